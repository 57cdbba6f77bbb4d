/**
 * The mmap lock (L1, L9, V2, V5): a per-mm read/write semaphore in the lock table. Its lock
 * target checks L9 (never taken while holding a VMA read lock) against core's rule table;
 * releasing it in write mode, or downgrading it (mmap_write_downgrade), ends every VMA write
 * lock of the mm (vma_end_write_all, V2).
 *
 * @since 0.2.0
 */
import { Check, Rules } from "@mmguard/core"
import * as Rwsem from "../Rwsem.js"
import type { Task } from "../Task.js"
import type { Exec, Footprint, State } from "./State.js"
import type { TargetHandler } from "./Target.js"

/** The lock id of task `t`'s mmap lock. */
export const lockId = (t: Task): string => `mmap:${t.mm}`

/** The mmap lock target. */
export const targets = {
  mmap: {
    resolve: (_st, t) => ({ id: lockId(t), kind: "mmap", cls: Rules.LockClassOf.mmap }),
    beforeLock: (st, t) => {
      const anyVmaRead = t.held.some((h) => h.kind === "vma")
      st.checkRows(t, [Check.check("mmapLock", anyVmaRead ? { vma: "read" } : {})])
    },
    afterUnlock: (st, t, mode) => {
      if (mode === "write") st.seqs.endAll(t.mm)
    },
    reads: [],
    // Only dropping a write hold ends the VMA write locks (bumps mm_lock_seq).
    writes: (_st, t, _r, taking) =>
      !taking && t.held.some((h) => h.id === lockId(t) && h.mode === "write")
        ? [`seq:${t.mm}`]
        : [],
  } satisfies TargetHandler<{ lock: "mmap" }>,
}

/** mmap_write_downgrade (V5): the writer becomes a reader; VMA write locks end (V2). */
const mmapWriteDowngrade = (st: State, t: Task): Exec => {
  const id = lockId(t)
  const r = Rwsem.downgrade(st.sems.get(id), t.id)
  t.pc++
  if (!Array.isArray(r)) {
    st.report(t, { kind: "misuse", rule: "V5", message: r.misuse })
    return "ran"
  }
  t.held = t.held.map((x) => (x.id === id ? { ...x, mode: "read" } : x))
  st.seqs.endAll(t.mm)
  st.grant(r)
  return "ran"
}

/** The mmap lock's own steps: semantics and footprints. */
export const ops = {
  mmapWriteDowngrade: {
    exec: mmapWriteDowngrade,
    footprint: (_st: State, t: Task): Footprint => ({
      reads: [],
      writes: [lockId(t), `seq:${t.mm}`],
    }),
  },
}
