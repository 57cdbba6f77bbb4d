/**
 * Symmetry reduction: tasks that run the same program on equivalent pages are interchangeable.
 * Two tasks are interchangeable when their programs are equal but for one page each (or not at
 * all), on the same mm, and the two pages are alike in the initial world and to every other
 * program: in the same VMAs and the same PTE table, neither mapped nor given a table by the
 * spec, and never named by another task or split by a range. Then swapping the two tasks and
 * renaming the two pages maps the world onto itself, so a state and its image have the same
 * future up to that renaming: the same deadlocks and the same rules broken.
 *
 * A state is keyed by the fingerprint of its image in which the tasks of each class are sorted
 * by their own state (a renamed schedule reaches the renamed state, whose fingerprint
 * `World.fingerprint` computes without building it). Equal keys mean images of one another, so
 * a search keeps one of them: sound whatever the order chosen (it only decides how many images
 * are recognised).
 *
 * @since 0.2.0
 */
import { x86_64 } from "./Arch.js"
import type { Step } from "./Program.js"
import type { Renaming, World, WorldSpec } from "./World.js"

/** Fields of a step that name a page or a range of pages. */
const PAGE = "addr"
const RANGE = ["end", "to", "pfn"] as const

/** The page task programs `a` and `b` differ in (null when equal, undefined when not alike). */
const ownPages = (
  a: ReadonlyArray<Step>,
  b: ReadonlyArray<Step>,
): readonly [number, number] | null | undefined => {
  if (a.length !== b.length) return undefined
  let pair: [number, number] | null = null
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Record<string, unknown>
    const y = b[i] as Record<string, unknown>
    const keys = Object.keys(x)
    if (keys.length !== Object.keys(y).length) return undefined
    for (const k of keys) {
      if (JSON.stringify(x[k]) === JSON.stringify(y[k])) continue
      // Only a single page may differ: renaming the start of a range would shift the range.
      if (k !== PAGE || typeof x[k] !== "number" || typeof y[k] !== "number") return undefined
      if (RANGE.some((r) => x[r] !== undefined)) return undefined
      const p: [number, number] = [x[k] as number, y[k] as number]
      if (pair !== null && (pair[0] !== p[0] || pair[1] !== p[1])) return undefined
      pair = p
    }
  }
  return pair
}

/** Pages named anywhere in `program` (single pages, and the bounds of ranges). */
const named = (program: ReadonlyArray<Step>): Array<number> =>
  program.flatMap((s) =>
    [PAGE, ...RANGE]
      .map((k) => (s as Record<string, unknown>)[k])
      .filter((v) => typeof v === "number"),
  ) as Array<number>

/**
 * Can the tasks `members`, each on its own page `pages[i]`, be swapped in `spec`? The pages
 * must sit in the same PTE table and the same VMAs, be neither mapped nor given a table by the
 * spec, be named by no other program (a member names only its own), and every range [addr, end)
 * of every program must hold all of them or none.
 */
const swappable = (
  spec: WorldSpec,
  members: ReadonlyArray<number>,
  pages: ReadonlyArray<number>,
): boolean => {
  const span = (spec.arch ?? x86_64).ptrs.pte
  const first = pages[0] as number
  const inside = (lo: number, hi: number, p: number) => lo <= p && p < hi
  for (const p of pages) {
    if (Math.floor(p / span) !== Math.floor(first / span)) return false
    for (const m of spec.mms)
      for (const v of m.vmas) {
        if (inside(v.start, v.end, p) !== inside(v.start, v.end, first)) return false
        if ([...(v.mapped ?? []), ...(v.tables ?? [])].includes(p)) return false
      }
  }
  return spec.tasks.every((t, id) => {
    const own = pages[members.indexOf(id)]
    if (named(t.program).some((p) => p !== own && pages.includes(p))) return false
    return t.program.every((s) => {
      const r = s as { addr?: number; end?: number }
      if (r.addr === undefined || r.end === undefined) return true
      const lo = r.addr
      const hi = r.end
      return pages.every((p) => inside(lo, hi, p) === inside(lo, hi, first))
    })
  })
}

/** The classes of interchangeable tasks of `spec` (each of two or more tasks, by id). */
export const classes = (spec: WorldSpec): Array<Array<number>> => groups(spec).map((g) => g.members)

/** The classes of interchangeable tasks, with the members' own pages (none: same program). */
const groups = (
  spec: WorldSpec,
): Array<{ readonly members: Array<number>; readonly pages: ReadonlyArray<number> }> => {
  // Moving page tables relocates whole ranges: no symmetry is claimed in such worlds.
  if (spec.tasks.some((t) => t.program.some((s) => s.op === "do" && s.action === "movePageTables")))
    return []
  // Candidate classes: programs equal to the first member's (pages null), or equal but for
  // one page each (pages: the members' own pages); undefined while the class has one member.
  const found: Array<{ members: Array<number>; pages: Array<number> | null | undefined }> = []
  spec.tasks.forEach((t, id) => {
    for (const c of found) {
      const rep = spec.tasks[c.members[0] as number]
      if (rep === undefined || rep.mm !== t.mm) continue
      const pair = ownPages(rep.program, t.program)
      if (pair === undefined) continue
      if (c.pages === undefined) c.pages = pair === null ? null : [pair[0]]
      if (pair === null ? c.pages !== null : c.pages?.[0] !== pair[0] || c.pages.includes(pair[1]))
        continue
      c.members.push(id)
      if (pair !== null) c.pages?.push(pair[1])
      return
    }
    found.push({ members: [id], pages: undefined })
  })
  return found
    .filter((c) => c.members.length > 1)
    .filter((c) => !c.pages || swappable(spec, c.members, c.pages))
    .map((c) => ({ members: c.members, pages: c.pages ?? [] }))
}

/** A state's key up to symmetry, and its renaming: task -> its number in the keyed image. */
export interface Canonical {
  readonly key: string
  readonly slot: Int32Array
}

/**
 * Symmetry for a search: keys each state by the fingerprint of its image in which the tasks of
 * each class are sorted by what they are doing (their part of the fingerprint and the entry of
 * their own page; ties by task id), and their pages renamed with them. The image is not built:
 * `World.fingerprint` digests the state under the renaming. Images equal means states that are
 * images of one another.
 */
export class Tracker {
  private readonly classOf: Array<ReadonlyArray<number> | undefined>
  private readonly pages: ReadonlySet<string>
  private readonly general = new Map<string, string>()
  /** The renamings made so far, by their `sig`. */
  private readonly renamings = new Map<number | string, Renaming>()
  /** Per class: its members' mm, and scratch space for sorting them (entries, order). */
  private readonly mms: ReadonlyArray<string>
  private readonly leaves: ReadonlyArray<Float64Array>
  private readonly order: ReadonlyArray<Int32Array>
  /** Scratch space for the tasks' parts of the state being keyed. */
  private readonly parts: Array<string> = []

  constructor(
    private readonly spec: WorldSpec,
    private readonly cs: ReadonlyArray<{
      readonly members: ReadonlyArray<number>
      readonly pages: ReadonlyArray<number>
    }>,
  ) {
    this.classOf = spec.tasks.map((_, id) => cs.find((c) => c.members.includes(id))?.members)
    this.pages = new Set(cs.flatMap((c) => c.pages.map(String)))
    this.mms = cs.map((c) => spec.tasks[c.members[0] as number]?.mm ?? "")
    this.leaves = cs.map((c) => new Float64Array(c.members.length))
    this.order = cs.map((c) => new Int32Array(c.members.length))
  }

  /** The key of `w` up to symmetry (`intern` as for `World.fingerprint`), with its renaming. */
  canonical(w: World, intern?: (part: string) => number): Canonical {
    const slot = new Int32Array(this.spec.tasks.length)
    for (let id = 0; id < slot.length; id++) slot[id] = id
    let moved = false
    const parts = w.taskDigests(this.parts)
    for (let ci = 0; ci < this.cs.length; ci++) {
      const c = this.cs[ci] as Tracker["cs"][number]
      const ms = c.members
      const leaves = this.leaves[ci] as Float64Array
      if (c.pages.length > 0) {
        const mm = this.mms[ci] as string
        for (let i = 0; i < ms.length; i++) leaves[i] = w.leafAt(mm, c.pages[i] as number)
      }
      // Insertion sort of the members (a class is small) by part, then by the entry of the
      // own page (as text), then by id.
      const order = this.order[ci] as Int32Array
      for (let i = 0; i < ms.length; i++) {
        let j = i
        for (; j > 0 && this.before(parts, ms, leaves, i, order[j - 1] as number); j--)
          order[j] = order[j - 1] as number
        order[j] = i
      }
      for (let r = 0; r < ms.length; r++) {
        const m = ms[order[r] as number] as number
        slot[m] = ms[r] as number
        if (slot[m] !== m) moved = true
      }
    }
    const key = w.fingerprint(intern, moved ? this.renaming(slot) : undefined, parts)
    return { key, slot }
  }

  /** Does member `a` of a class sort before member `b` (indices into `ms`, `a` > `b`)? */
  private before(
    parts: ReadonlyArray<string>,
    ms: ReadonlyArray<number>,
    leaves: Float64Array,
    a: number,
    b: number,
  ): boolean {
    const pa = parts[ms[a] as number] as string
    const pb = parts[ms[b] as number] as string
    if (pa !== pb) return pa < pb
    const la = leaves[a] as number
    const lb = leaves[b] as number
    // Ties by id: `a` comes later in the class, so it never sorts before an equal `b`.
    return la !== lb && String(la) < String(lb)
  }

  /**
   * The renaming of the world in which task `slot[t]` plays task t's part (`slot` permutes
   * tasks within their classes): each member's own page becomes the page of the member it
   * turns into.
   */
  renaming(slot: Int32Array): Renaming {
    // The permutation as one number, its digits in base n (exact while n^n < 2^53: n <= 13),
    // or as text for more tasks.
    let sig: number | string = 0
    if (slot.length <= 13)
      for (let i = slot.length - 1; i >= 0; i--) sig = sig * slot.length + (slot[i] as number)
    else sig = slot.join()
    let r = this.renamings.get(sig)
    if (r === undefined) {
      r = this.rename(slot, sig)
      this.renamings.set(sig, r)
    }
    return r
  }

  private rename(slot: Int32Array, sig: number | string): Renaming {
    const pages = new Map<string, Map<number, number>>()
    for (const c of this.cs) {
      if (c.pages.length === 0) continue
      const mm = this.spec.tasks[c.members[0] as number]?.mm ?? ""
      c.members.forEach((m, i) => {
        const to = slot[m] as number
        if (to === m) return
        const map = pages.get(mm) ?? new Map<number, number>()
        pages.set(mm, map)
        map.set(c.pages[i] as number, c.pages[c.members.indexOf(to)] as number)
      })
    }
    return { slot: Int32Array.from(slot), pages, sig }
  }

  /** `move` renumbered as in the image keyed with `slot`. */
  map(slot: Int32Array, move: number): number {
    return (slot[move & 255] as number) | (move & ~255)
  }

  /** The move of the image keyed with `slot`, as the state itself numbers it (`map` undone). */
  unmap(slot: Int32Array, move: number): number {
    let t = 0
    while (t < slot.length && slot[t] !== (move & 255)) t++
    return (t < slot.length ? t : -1) | (move & ~255)
  }

  /** The tasks `task` may stand for in another state of its orbit (its class, or itself). */
  group(task: number): ReadonlyArray<number> {
    return this.classOf[task] ?? [task]
  }

  /**
   * A resource as seen from any state of its orbit: cut at the first part that names a class
   * page (`mem:proc:pte:601` becomes `mem:proc:pte`, which holds every page's PTE).
   */
  generalise(resource: string): string {
    let g = this.general.get(resource)
    if (g === undefined) {
      const parts = resource.split(":")
      const i = parts.findIndex((p) => this.pages.has(p))
      g = i < 0 ? resource : parts.slice(0, Math.max(i, 1)).join(":")
      this.general.set(resource, g)
    }
    return g
  }
}

/** A tracker for `spec`, or undefined when no two of its tasks are interchangeable. */
export const tracker = (spec: WorldSpec): Tracker | undefined => {
  const cs = groups(spec)
  return cs.length === 0 ? undefined : new Tracker(spec, cs)
}
