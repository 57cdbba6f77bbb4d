/**
 * rmap walks (L4, L5, P4, P5): vma_interval_tree_foreach over a file's i_mmap tree and
 * anon_vma_interval_tree_foreach over an anon_vma's tree, the way truncation, reclaim,
 * khugepaged and memory failure find the VMAs that map a page range. The walk runs under the
 * tree's rmap lock, which the task must hold; that lock keeps each VMA it visits stable (L5)
 * even after munmap detached it from the mm's tree, so the body works on the VMA the walk bound,
 * not on whatever the mm's tree holds at an address (what a walk by address would do, and why
 * it reported a truncation racing munmap as P4).
 *
 * A walk is a step pair: `rmapWalk` (the head) binds the next VMA or, with none left, goes on at
 * `done`; `rmapWalkNext` (the end of the body) goes back to the head. In the body, addresses are
 * page offsets in the tree, translated through the bound VMA (vma_address), and lookups of a VMA
 * at such an address find the bound VMA. The page-table steps of the body act on the task's mm,
 * so a walk visits the VMAs of the task's own mm.
 *
 * @since 0.2.0
 */
import { Check } from "@mmguard/core"
import type { IntervalTree } from "../IntervalTree.js"
import type { Step } from "../Program.js"
import type { Task, Walk } from "../Task.js"
import type { Vma } from "../Vma.js"
import { anonLockId, anonVmaAt, iMmapLockId } from "./RmapLocks.js"
import { type Exec, type Footprint, res, type State } from "./State.js"

type Op<K extends Step["op"]> = Extract<Step, { op: K }>

/** The tree a walk head names and the id of the rmap lock guarding it, or why there is none. */
const treeOf = (
  st: State,
  t: Task,
  s: Op<"rmapWalk">,
): { tree: IntervalTree<Vma> | undefined; lock: string } | string => {
  if (s.lock === "iMmap")
    return { tree: st.memory.files.get(s.file)?.iMmap, lock: iMmapLockId(s.file) }
  const av = anonVmaAt(st, t, s.addr)
  return av === undefined
    ? `no anon_vma at page ${s.addr}`
    : { tree: av.vmas, lock: anonLockId(av.id) }
}

/** The mm that holds `v` in its tree, or whose task detached it. */
const mmOfVma = (st: State, v: Vma): string | undefined => {
  for (const [name, mm] of st.memory.mms) if (mm.vmas.includes(v)) return name
  return st.tasks.find((o) => st.memory.detachedBy(o.id).includes(v))?.mm
}

/** The VMA `id` of mm `mm` in this world: in its tree, or detached by one of its tasks. */
const vmaById = (st: State, mm: string, id: number): Vma | undefined =>
  st.memory.mms.get(mm)?.vmas.find((v) => v.id === id) ??
  st.tasks
    .filter((o) => o.mm === mm)
    .flatMap((o) => st.memory.detachedBy(o.id))
    .find((v) => v.id === id)

/** The VMA task `t`'s walk binds for the step at its pc, if the pc is inside a walk's body. */
export const bound = (st: State, t: Task): Vma | undefined => {
  const w = t.walk
  if (w === undefined || t.pc <= w.head || t.pc >= w.next) return undefined
  const at = w.vmas[w.index]
  return at && vmaById(st, at[0], at[1])
}

/** The bound VMA when it covers page `vpn` (State.vmaAt asks this first). */
export const boundAt = (st: State, t: Task, vpn: number): Vma | undefined => {
  const v = bound(st, t)
  return v !== undefined && v.start <= vpn && vpn < v.end ? v : undefined
}

/**
 * Step `s` as the walk's body runs it: its page offsets translated to addresses of the bound
 * VMA (a range clipped to the part of the tree's range the VMA maps); other steps unchanged.
 */
export const translate = (st: State, t: Task, s: Step): Step => {
  const v = bound(st, t)
  if (v === undefined || !("addr" in s)) return s
  const at = (pgoff: number) => Math.max(0, v.start + (pgoff - v.pgoff))
  if (s.op === "do" && s.end !== undefined) {
    const lo = Math.max(s.addr, v.pgoff)
    const hi = Math.min(s.end, v.pgoff + (v.end - v.start))
    return lo < hi
      ? { ...s, addr: at(lo), end: at(hi) }
      : { ...s, addr: at(s.addr), end: at(s.end) }
  }
  return { ...s, addr: at(s.addr) }
}

/** The head: begins the walk (its VMAs snapshotted) or moves to the next VMA; binds it. */
const head = (st: State, t: Task, s: Op<"rmapWalk">): Exec => {
  let w = t.walk
  if (w?.head === t.pc && w.advance) w = { ...w, index: w.index + 1, advance: false }
  else {
    const found = treeOf(st, t, s)
    if (typeof found === "string") return st.misuse(t, "L4", `rmap walk: ${found}`)
    if (st.holds(t, found.lock) === undefined)
      st.report(t, {
        kind: "misuse",
        rule: "L4",
        message: `${s.lock === "iMmap" ? "vma_interval_tree_foreach" : "anon_vma_interval_tree_foreach"} without holding ${found.lock}: the tree may change under the walk`,
      })
    const vmas = (found.tree?.overlapping(s.first, s.last + 1) ?? [])
      .map((v) => [mmOfVma(st, v), v.id] as const)
      .filter((x): x is readonly [string, number] => x[0] === t.mm)
    const next = t.program.findIndex((x) => x.op === "rmapWalkNext" && x.walk === s.label)
    w = { head: t.pc, next: next < 0 ? t.program.length : next, vmas, index: 0, advance: false }
  }
  if (w.index >= w.vmas.length) {
    t.walk = undefined
    st.jump(t, s.done)
    return "ran"
  }
  t.walk = w
  t.pc++
  // Reading the bound VMA's fields (its range, its pgoff) needs it stable (L5, L6).
  const v = bound(st, t)
  st.checkRows(t, Check.checkAction("readVma", st.lockState(t, v, undefined)))
  return "ran"
}

/** The end of the body: back to the head, which binds the next VMA. */
const next = (st: State, t: Task, s: Op<"rmapWalkNext">): Exec => {
  const w = t.walk
  if (w === undefined || t.program[w.head]?.label !== s.walk)
    return st.misuse(t, "L4", `rmapWalkNext outside the walk "${s.walk}"`)
  t.walk = { ...w, advance: true }
  t.pc = w.head
  return "ran"
}

/** The digest of `t`'s walk for state hashing: where it is and what it visits. */
export const digest = (t: Task): string => {
  const w: Walk | undefined = t.walk
  return w === undefined
    ? ""
    : `,w${w.head}.${w.index}${w.advance ? "a" : ""}:${w.vmas.map((v) => v.join("/")).join(" ")}`
}

/** The rmap walks' steps: semantics and footprints (the tree and the VMAs are memory). */
export const ops = {
  rmapWalk: {
    exec: head,
    // The tree and its VMAs (which only steps that change all memory move), and the lock
    // state the bound VMA is checked with.
    footprint: (_st: State, t: Task): Footprint => ({
      reads: [res.vmas(t.mm), ...res.lockStateSeqs(t)],
      writes: [],
    }),
  },
  rmapWalkNext: {
    exec: next,
    footprint: (): Footprint => ({ reads: [], writes: [] }),
  },
}
