/**
 * VMA reads and writes (L6, L7, F1-F9, V6: stack expansion's vm_start under vma_start_write):
 * find_vma, and the write of one VMA field (plain, or atomic_long_set of an atomic field, F6),
 * checked against the row core's rule table gives that field (`Rules.VmaFields`); a write after an
 * interrupted vma_start_write_killable is reported as L11, one through a VMA read lock on a
 * reused object as V7. Fields that place the VMA in the rmap trees move it there too.
 *
 * @since 0.2.0
 */
import { Check, Rules } from "@mmguard/core"
import type { Step } from "../Program.js"
import * as Rmap from "../Rmap.js"
import type { Task } from "../Task.js"
import { type Vma, writeField } from "../Vma.js"
import { type Exec, type Footprint, res, type State } from "./State.js"
import { staleCheck } from "./VmaAttach.js"

type Op<K extends Step["op"]> = Extract<Step, { op: K }>

/**
 * The lock state a write of `s.field` is checked with: the task's locks, plus, for an atomic
 * write (atomic_long_set) of an atomic field, the lock its atomic access stands for (F6).
 */
const writerLocks = (
  st: State,
  t: Task,
  s: Op<"writeVma">,
  vma: Vma | undefined,
): Rules.LockState => {
  const locks = st.lockState(t, vma, s.addr)
  const atomic = s.atomic && Object.hasOwn(Rules.AtomicFields, s.field)
  return atomic
    ? { ...locks, [Rules.AtomicFields[s.field as Rules.AtomicField]]: "held" as const }
    : locks
}

/** Writes `s.field` of the VMA at `s.addr` after checking the field's row. */
const writeVma = (st: State, t: Task, s: Op<"writeVma">): Exec => {
  st.writable()
  const vma = st.vmaAt(t, s.addr)
  staleCheck(st, t)
  const verdict = Check.check(Rules.VmaFields[s.field], writerLocks(st, t, s, vma))
  if (!verdict.ok && vma !== undefined && t.interrupted === vma.id)
    st.report(t, {
      kind: "rule",
      rule: "L11",
      message: `${s.field} written after vma_start_write_killable(${s.addr}) returned -EINTR: the VMA is not write-locked (${Check.explain(verdict)}); check the result`,
    })
  else st.checkRows(t, [verdict])
  // Fields that place the VMA in the rmap trees move it there too (the kernel's
  // anon_vma_interval_tree_pre_update_vma / post_update_vma).
  const moves = Rules.VmaFields[s.field] === "writeVmStart"
  if (vma && moves) Rmap.unlink(vma)
  if (vma) writeField(vma, s.field, s.value)
  if (vma && moves) Rmap.link(vma)
  t.pc++
  return "ran"
}

/** find_vma (L6): checked like reading a VMA; jumps to `onFail` when no VMA covers the page. */
const findVma = (st: State, t: Task, s: Op<"findVma">): Exec => {
  const vma = st.vmaAt(t, s.addr)
  st.checkRows(t, Check.checkAction("findVma", st.lockState(t, vma, s.addr)))
  if (vma === undefined) st.jump(t, s.onFail)
  else t.pc++
  return "ran"
}

/** What checking a step against task `t`'s lock state at page `vpn` reads. */
const checked = (st: State, t: Task, vpn: number): Array<string> => [
  res.vmas(t.mm),
  res.pmdEntry(st, t.mm, vpn),
  ...res.lockStateSeqs(t),
]

/** The VMA steps: semantics and footprints. */
export const ops = {
  writeVma: {
    exec: writeVma,
    // vm_flags is read by no step (only merges, which write all memory, and the state digest):
    // its write touches that VMA's flags alone; so does an atomic write of an atomic field
    // (F6) touch that field alone. Other fields move the VMA: all memory.
    footprint: (st: State, t: Task, s: Op<"writeVma">): Footprint => {
      const vma = st.vmaAt(t, s.addr)
      if (s.field === "vm_flags" && vma)
        return { reads: checked(st, t, s.addr), writes: [res.vmaFlags(t.mm, vma.id)] }
      if (s.atomic && vma && Object.hasOwn(Rules.AtomicFields, s.field))
        return { reads: checked(st, t, s.addr), writes: [res.vmaAtomic(t.mm, vma.id, s.field)] }
      return { reads: [res.seq(t.mm)], writes: ["mem"] }
    },
  },
  findVma: {
    exec: findVma,
    footprint: (st: State, t: Task, s: Op<"findVma">): Footprint => ({
      reads: checked(st, t, s.addr),
      writes: [],
    }),
  },
}
