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
 * by how far they have got (found by replaying the schedule with the tasks renamed: a renamed
 * schedule reaches the renamed state). Equal keys mean images of one another, so a search can
 * keep one of them: sound whatever the order chosen, and tight when tasks differ in progress.
 *
 * @since 0.2.0
 */
import { x86_64 } from "./Arch.js"
import type { Step } from "./Program.js"
import type { Canon } from "./Split.js"
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
export const classes = (spec: WorldSpec): Array<Array<number>> => {
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
    .map((c) => c.members)
}

/**
 * The symmetry key of states of `spec` (undefined when no two tasks are interchangeable):
 * the fingerprint of the image with each class's tasks sorted by moves made, most first.
 */
export const symmetry = (
  spec: WorldSpec,
): ((w: World, path: ReadonlyArray<number>) => Canon) | undefined => {
  const cs = classes(spec)
  if (cs.length === 0) return undefined
  return (w, path) => {
    const made = new Array<number>(spec.tasks.length).fill(0)
    for (const m of path) made[m & 255] = (made[m & 255] as number) + 1
    const to = spec.tasks.map((_, id) => id)
    let moved = false
    for (const c of cs) {
      const order = [...c].sort((x, y) => (made[y] as number) - (made[x] as number) || x - y)
      order.forEach((from, i) => {
        to[from] = c[i] as number
        if (from !== c[i]) moved = true
      })
    }
    const map = (m: number): number => (to[m & 255] as number) | (m & ~255)
    if (!moved) return { key: w.fingerprint(), map }
    const image = new World(spec)
    for (const m of path) image.step(map(m))
    return { key: image.fingerprint(), map }
  }
}
