/**
 * free_pgtables (P7, rev 2): freeing the page tables of a range. Core's rule table asks for the
 * mmap write lock; P7 also accepts the case where the VMAs are unreachable, which is the
 * kernel's ordinary munmap (vms_clear_ptes): it write-locks and detaches the VMAs under the
 * mmap write lock, downgrades it (mmap_write_downgrade), then zaps and frees under the read
 * lock. So a free under the read lock is accepted when the task itself detached the VMAs of the
 * range and none spanning it is still attached; with one still attached it is the P7 bug.
 *
 * The free then unlinks the detached VMAs from the rmap (unlink_file_vma, unlink_anon_vmas,
 * which take the rmap write locks: it waits while another task holds one of them, e.g. an rmap
 * walker) and frees the tables, refused while a VMA spanning the range is still reachable
 * through the rmap or while leaves remain.
 *
 * @since 0.2.0
 */
import { Check } from "@mmguard/core"
import type { Step } from "../Program.js"
import * as Rmap from "../Rmap.js"
import * as Rwsem from "../Rwsem.js"
import { isSimError } from "../SimError.js"
import type { Task, Wait } from "../Task.js"
import type { Vma } from "../Vma.js"
import { anonLockId, iMmapLockId } from "./RmapLocks.js"
import type { Exec, State } from "./State.js"

type Free = Extract<Step, { op: "do" }>

const range = (s: Free) => [s.addr, s.end ?? s.addr + 1] as const

/** The VMAs task `t` detached that overlap the range of `s` (the ones the free unlinks). */
const detachedIn = (st: State, t: Task, s: Free): ReadonlyArray<Vma> => {
  const [start, end] = range(s)
  return st.memory.detachedBy(t.id).filter((v) => v.start < end && start < v.end)
}

/** The rmap locks the unlink of `vmas` takes (i_mmap and anon_vma, in write mode). */
const rmapLocks = (vmas: ReadonlyArray<Vma>): ReadonlyArray<string> => [
  ...new Set(
    vmas.flatMap((v) => [
      ...(v.file ? [iMmapLockId(v.file.name)] : []),
      ...(v.anonVma ? [anonLockId(v.anonVma.id)] : []),
    ]),
  ),
]

/**
 * P7 against core's row (rev 2): the mmap write lock, or the read lock once the range's VMAs
 * are unreachable — this task detached them (under the write lock: detaching needs it, L7) and
 * none spanning the range is still attached; core's table names that state `vmaDetached`.
 */
export const check = (st: State, t: Task, s: Free): void => {
  const [start, end] = range(s)
  const attached = st.mmOf(t).intersecting(start, end)[0]
  const unreachable = attached === undefined && detachedIn(st, t, s).length > 0
  const state = st.lockState(t, undefined, s.addr)
  const verdicts = Check.checkAction("freePgtables", {
    ...state,
    ...(unreachable ? { vmaDetached: "held" } : {}),
  })
  if (verdicts.every((v) => v.ok)) return
  if (state.mmap !== "read") {
    st.checkRows(t, verdicts)
    return
  }
  st.report(t, {
    kind: "rule",
    rule: "P7",
    message: attached
      ? `free_pgtables(${start}, ${end}) under the mmap read lock while VMA ${attached.id} [${attached.start}, ${attached.end}) spanning the range is still attached: only VMAs detached under the write lock before mmap_write_downgrade may be freed under the read lock`
      : `free_pgtables(${start}, ${end}) under the mmap read lock of a range this task did not detach under the write lock`,
  })
}

/**
 * Performs the free: waits (blocked) while another task holds an rmap lock of a VMA to unlink,
 * else unlinks them and frees the tables (a refusal is reported with its rule).
 */
export const perform = (st: State, t: Task, s: Free): Exec => {
  for (const id of rmapLocks(detachedIn(st, t, s))) {
    const sem = st.sems.peek(id)
    if (sem === undefined || st.holds(t, id) || Rwsem.available(sem, "write")) continue
    Rwsem.acquire(st.sems.get(id), t.id, "write")
    t.status = "blocked"
    t.wait = { on: "sem", id, after: "retry" }
    return "blocked"
  }
  check(st, t, s)
  // Copy a shared memory first: the VMAs to unlink must be this world's own.
  st.writable()
  for (const v of detachedIn(st, t, s)) Rmap.unlink(v)
  const r = st.mmOf(t).freePgtables(...range(s))
  if (isSimError(r))
    st.report(t, { kind: "rule", rule: r.rule, message: `free_pgtables: ${r.message}` })
  t.pc++
  return "ran"
}

/** The free's footprint: the memory, and the rmap locks its unlink takes. */
export const writes = (st: State, t: Task, s: Free): ReadonlyArray<string> => [
  "mem",
  ...rmapLocks(detachedIn(st, t, s)),
]

/**
 * A free that slept on an rmap lock got it: it gives it back at once (the unlink is done when
 * the step runs again, from the start).
 */
export const resumeRetry = (
  st: State,
  t: Task,
  wait: Extract<Wait, { on: "sem"; after: "retry" }>,
): void => {
  const more = st.release(wait.id, t.id, "write")
  if (Array.isArray(more)) st.grant(more)
}
