/**
 * The `do` steps: kernel API calls of core's `Actions` table. Each is first checked: the stale
 * locks a call could act through (a PTE lock whose table the PMD entry no longer points at,
 * P10/P11/P16; a VMA read lock on an object freed and reused, V7), then every row core lists
 * for the call (`Check.checkAction`), with F9's exception for a VMA munmap detached. Then the
 * module that owns the call performs it: VMA attach/detach/free (VmaAttach), the rest on page
 * tables and the rmap (PtOps), except free_pgtables, which checks and performs itself (PtFree).
 *
 * @since 0.2.0
 */
import { Check, type Rules } from "@mmguard/core"
import type { Step } from "../Program.js"
import type { Task } from "../Task.js"
import * as PtFree from "./PtFree.js"
import * as PtLocks from "./PtLocks.js"
import * as PtOps from "./PtOps.js"
import { type Exec, type Footprint, res, type State } from "./State.js"
import * as VmaAttach from "./VmaAttach.js"
import { lockId } from "./VmaLock.js"

type DoStep = Extract<Step, { op: "do" }>

/** Every action to the module that performs it (the rest: PtOps). */
const owners: { readonly [A in Rules.ActionName]?: (st: State, t: Task, s: DoStep) => Exec } =
  VmaAttach.actions

/** The rows a call must satisfy: core's list, or F9's row for unlinking a detached VMA. */
const verdicts = (st: State, t: Task, s: DoStep): ReadonlyArray<Check.Verdict> => {
  const vma = st.vmaAt(t, s.addr)
  const state = st.lockState(t, vma, s.addr)
  const detached =
    s.action === "clearAnonVma" && vma !== undefined && st.memory.detachedBy(t.id).includes(vma)
  return detached
    ? [Check.check("clearAnonVmaDetached", state)]
    : Check.checkAction(s.action, state)
}

/** Checks and performs a `do` step. */
const exec = (st: State, t: Task, s: DoStep): Exec => {
  // free_pgtables checks its rows itself (P7 rev 2), once it has the rmap locks it waits for.
  if (s.action === "freePgtables") return PtFree.perform(st, t, s)
  PtLocks.staleTableCheck(st, t, s.action, s.addr)
  VmaAttach.staleCheck(st, t)
  st.checkRows(t, verdicts(st, t, s))
  return (owners[s.action] ?? PtOps.performs)(st, t, s)
}

/**
 * What a `do` step touches: memory (read or written), the VMA counts, a detached VMA's lock.
 * One PTE of a table already there (installPte of a fresh page, changeAccessDirty) is fine:
 * the checks read the VMAs, the PMD entry (the stale-table check, the lock state) and, under
 * the mmap write lock, the VMA counts; the step changes that PTE (and the frame allocator).
 */
const footprint = (st: State, t: Task, s: DoStep): Footprint => {
  const seq = res.seq(t.mm)
  if (PtOps.readOnlyActions.has(s.action)) return { reads: ["mem", seq], writes: [] }
  const onePte =
    (s.action === "changeAccessDirty" || (s.action === "installPte" && s.pfn === undefined)) &&
    s.end === undefined &&
    st.mmOf(t).pt.pteTablePfn(s.addr) !== undefined
  if (onePte) {
    const pte = res.pte(t.mm, s.addr)
    return {
      reads: [res.vmas(t.mm), res.pmdEntry(st, t.mm, s.addr), ...res.lockStateSeqs(t)],
      writes: s.action === "installPte" ? [pte, res.frames] : [pte],
    }
  }
  if (s.action === "detachVma") {
    const vma = st.vmaAt(t, s.addr)
    return { reads: [seq], writes: vma ? ["mem", lockId(vma)] : ["mem"] }
  }
  if (s.action === "mapVma") return { reads: [], writes: ["mem", seq] }
  if (s.action === "freePgtables") return { reads: [seq], writes: PtFree.writes(st, t, s) }
  return { reads: [seq], writes: ["mem"] }
}

/** The `do` step: semantics and footprint. */
export const ops = { do: { exec, footprint } }
