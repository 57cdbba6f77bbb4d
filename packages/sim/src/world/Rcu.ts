/**
 * RCU (P10): read sections per task (a depth, and an epoch that changes each time a section
 * begins), synchronize_rcu, which waits for every reader whose section began before it, and the
 * RCU-deferred frees (pte_free_defer) that happen when that grace period ends.
 *
 * @since 0.2.0
 */
import type { Task } from "../Task.js"
import { type Exec, type Footprint, res, type State } from "./State.js"

/** rcu_read_lock: enters a read section (nested sections only deepen it). */
const rcuReadLock = (_st: State, t: Task): Exec => {
  t.rcuDepth++
  t.rcuEpoch++
  t.pc++
  return "ran"
}

/** rcu_read_unlock: leaves the section (a misuse outside one). */
const rcuReadUnlock = (st: State, t: Task): Exec => {
  if (t.rcuDepth === 0)
    st.report(t, {
      kind: "misuse",
      rule: "P10",
      message: "rcu_read_unlock outside an RCU read section",
    })
  else t.rcuDepth--
  t.pc++
  return "ran"
}

/** synchronize_rcu: sleeps until every reader now inside a section has left it. */
const synchronizeRcu = (st: State, t: Task): Exec => {
  const readers = st.tasks
    .filter((r) => r.id !== t.id && r.rcuDepth > 0)
    .map((r) => [r.id, r.rcuEpoch] as const)
  t.status = "blocked"
  t.wait = { on: "grace", readers }
  return "blocked"
}

/** Is `t` waiting for a grace period that has ended (every reader it waits for has left)? */
export const graceDone = (st: State, t: Task): boolean => {
  if (t.status !== "blocked" || t.wait?.on !== "grace") return false
  return t.wait.readers.every(([id, epoch]) => {
    const r = st.tasks[id] as Task
    return r.rcuDepth === 0 || r.rcuEpoch !== epoch
  })
}

/** The grace period `t` waited for ends: the deferred frees happen and `t` goes on. */
export const endGrace = (st: State, t: Task): void => {
  t.wait = undefined
  t.status = "runnable"
  st.writable().frames.gracePeriod()
  t.pc++
}

/** What ending a grace period touches: the readers' sections, and the memory it frees. */
export const graceFootprint: Footprint = { reads: ["rcu"], writes: ["mem"] }

/** A task ends inside a read section: a leak (P10). */
export const leakCheck = (st: State, t: Task): void => {
  if (t.rcuDepth > 0)
    st.report(t, {
      kind: "leak",
      rule: "P10",
      message: `${t.name} ended inside an RCU read section`,
    })
}

/**
 * The digest of `t`'s grace-period wait: only readers still in the section they were in when it
 * began matter, by task id (with `slot`, task ids renamed by it).
 */
export const digest = (st: State, t: Task, slot?: Int32Array): string => {
  if (t.wait?.on !== "grace") return ""
  const ids: Array<number> = []
  for (const [id, epoch] of t.wait.readers) {
    const r = st.tasks[id] as Task
    if (r.rcuDepth > 0 && r.rcuEpoch === epoch) ids.push(slot ? (slot[id] as number) : id)
  }
  return ids
    .sort((a, b) => a - b)
    .map((id) => `,g${id}`)
    .join("")
}

/** Entering or leaving a read section changes only this task's sections (grace periods read all). */
const sections = (_st: State, t: Task): Footprint => ({ reads: [], writes: [res.rcu(t)] })

/** RCU's steps: semantics and footprints. */
export const ops = {
  rcuReadLock: { exec: rcuReadLock, footprint: sections },
  rcuReadUnlock: { exec: rcuReadUnlock, footprint: sections },
  synchronizeRcu: {
    exec: synchronizeRcu,
    footprint: (): Footprint => ({ reads: ["rcu"], writes: [] }),
  },
}
