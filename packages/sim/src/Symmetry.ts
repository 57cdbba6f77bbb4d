/**
 * Symmetry reduction: tasks that run the same program on equivalent pages are interchangeable.
 * Two tasks are interchangeable when their programs are equal but for one page each (or not at
 * all), on the same mm, and the two pages are alike in the initial world and to every other
 * program: in the same VMAs and the same PTE table, neither mapped nor given a table by the
 * spec, and never named by another task or split by a range. Then swapping the two tasks and
 * renaming the two pages maps the world onto itself, so a state and its image have the same
 * future up to that renaming: the same deadlocks and the same rules broken.
 *
 * A state is keyed by the fingerprint of its image in which the tasks of each class are
 * renumbered by how far they have got (a renamed schedule reaches the renamed state).
 * Equal keys mean images of one another, so a search keeps one of them: sound whatever the
 * numbering chosen (it only decides how many images are recognised).
 *
 * @since 0.2.0
 */
import { x86_64 } from "./Arch.js"
import type { Step } from "./Program.js"
import { World, type WorldSpec } from "./World.js"

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

/** A state's image with each class's tasks renumbered by how far they have got. */
export interface Mirror {
  /** The image; undefined while it is the state itself (no task renumbered). */
  readonly image: World | undefined
  /** Task -> its number in the image. */
  readonly slot: Int32Array
  /** Task -> the moves it made, and the order of its first move among tasks (-1: none yet). */
  readonly made: Int32Array
  readonly first: Int32Array
  readonly firsts: number
}

/**
 * Symmetry for a depth-first search: keeps, beside each state, its image in which the tasks of
 * each class are numbered by how far they have got (moves made, most first; ties in the order
 * they first moved). The image is extended one step per step while no task that moved changes
 * its number, and rebuilt by replaying the renamed schedule when one does. The image's
 * fingerprint keys the state; images equal means states that are images of one another.
 */
export class Tracker {
  private readonly classOf: Array<ReadonlyArray<number> | undefined>
  private readonly pages: ReadonlySet<string>
  private readonly general = new Map<string, string>()
  /** The spec's world, validated once and cloned for each image. */
  private initial: World | undefined

  constructor(
    private readonly spec: WorldSpec,
    cs: ReadonlyArray<{
      readonly members: ReadonlyArray<number>
      readonly pages: ReadonlyArray<number>
    }>,
  ) {
    this.classOf = spec.tasks.map((_, id) => cs.find((c) => c.members.includes(id))?.members)
    this.pages = new Set(cs.flatMap((c) => c.pages.map(String)))
  }

  /** The mirror of the state `path` reaches. */
  start(path: ReadonlyArray<number>): Mirror {
    this.initial ??= new World(this.spec)
    const w = this.initial.clone()
    const n = this.spec.tasks.length
    let m: Mirror = {
      image: undefined,
      slot: Int32Array.from(this.spec.tasks, (_, id) => id),
      made: new Int32Array(n),
      first: new Int32Array(n).fill(-1),
      firsts: 0,
    }
    for (const move of path) {
      m = this.step(m, move, w)
      w.step(move)
    }
    return m
  }

  /** The mirror after `move`, from the mirror `m` of state `w` (which `move` leaves as it is). */
  step(m: Mirror, move: number, w: World): Mirror {
    const t = move & 255
    const c = this.classOf[t]
    const made = Int32Array.from(m.made)
    made[t] = (made[t] as number) + 1
    let { first, firsts, slot } = m
    if (c !== undefined) {
      if (first[t] === -1) {
        first = Int32Array.from(first)
        first[t] = firsts++
      }
      const order = (x: number) => (first[x] === -1 ? 1e9 + x : (first[x] as number))
      const ranked = [...c].sort(
        (x, y) => (made[y] as number) - (made[x] as number) || order(x) - order(y),
      )
      slot = Int32Array.from(slot)
      ranked.forEach((x, r) => {
        slot[x] = c[r] as number
      })
    }
    const next = { slot, made, first, firsts }
    if (made.every((k, i) => k === 0 || slot[i] === i)) return { image: undefined, ...next }
    const kept = m.made.every((k, i) => k === 0 || slot[i] === m.slot[i])
    if (kept) {
      const image = (m.image ?? w).clone()
      image.step((slot[t] as number) | (move & ~255))
      return { image, ...next }
    }
    // A task that moved changed its number: replay the schedule renamed.
    this.initial ??= new World(this.spec)
    const image = this.initial.clone()
    for (const x of [...w.trace, move]) image.step((slot[x & 255] as number) | (x & ~255))
    return { image, ...next }
  }

  /** `move` renumbered as in the image. */
  map(m: Mirror, move: number): number {
    return (m.slot[move & 255] as number) | (move & ~255)
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
