/**
 * The page-table locks (P8, P9, P11): mm->page_table_lock and the split PMD and PTE locks, which
 * belong to the table page like pmd_lockptr / pte_lockptr (without split locks the PMD/PTE
 * level uses mm->page_table_lock), their lock targets, and pte_offset_map_lock /
 * pte_unmap_unlock with the PMD re-check of P11.
 *
 * @since 0.2.0
 */
import { Rules } from "@mmguard/core"
import type { Step } from "../Program.js"
import * as Rwsem from "../Rwsem.js"
import { isSimError } from "../SimError.js"
import type { Held, Task } from "../Task.js"
import { type Exec, type Footprint, res, type State } from "./State.js"
import { type TargetHandler, table } from "./Target.js"

type Op<K extends Step["op"]> = Extract<Step, { op: K }>

/**
 * The lock of the PTE table `table` (by default the one mapping `vpn` now): its split lock,
 * keyed on the table page like pte_lockptr, or mm->page_table_lock without split locks (P9).
 * Undefined when no PTE table maps `vpn`.
 */
export const pteLockId = (
  st: State,
  mm: string,
  vpn: number,
  table = st.memory.mms.get(mm)?.pt.pteTablePfn(vpn),
): string | undefined => {
  if (!st.arch.splitPteLock) return `ptl:${mm}`
  return table === undefined ? undefined : `pte:${mm}:${table}`
}

/**
 * The lock of the PMD table on the path of `vpn` (by default the one there now): its split
 * lock, keyed on the table page like pmd_lockptr, or mm->page_table_lock without split locks
 * (P9). Undefined when no PMD table is allocated there.
 */
export const pmdLockId = (
  st: State,
  mm: string,
  vpn: number,
  table = st.memory.mms.get(mm)?.pt.pmdTablePfn(vpn),
): string | undefined => {
  if (!st.arch.splitPmdLock) return `ptl:${mm}`
  return table === undefined ? undefined : `pmd:${mm}:${table}`
}

/** The PTE lock task `t` holds for the PTE table span of `vpn`, if any. */
export const heldPte = (st: State, t: Task, vpn: number): Held | undefined => {
  const span = st.arch.ptrs.pte
  return t.held.find(
    (h) => h.kind === "pteLock" && Math.floor((h.vpn ?? -span) / span) === Math.floor(vpn / span),
  )
}

/** The lock targets of this module. */
export const targets = {
  pageTableLock: {
    resolve: (_st, t) => ({
      id: `ptl:${t.mm}`,
      kind: "pageTableLock",
      cls: Rules.LockClassOf.pageTableLock,
    }),
    reads: [],
  } satisfies TargetHandler<{ lock: "pageTableLock" }>,
  pmd: {
    resolve: (st, t, target, allocate) => {
      let pfn = st.mmOf(t).pt.pmdTablePfn(target.addr)
      if (pfn === undefined && allocate && st.arch.splitPmdLock) {
        const made = st.writable().mms.get(t.mm)?.pt.pmdAlloc(target.addr)
        if (isSimError(made)) return made.message
        pfn = made
      }
      const id = pmdLockId(st, t.mm, target.addr, pfn) ?? `pmd:${t.mm}:none@${target.addr}`
      return { id, kind: "pmdLock", cls: Rules.LockClassOf.pmdLock, ...table(pfn) }
    },
    reads: ["mem"],
    writes: (st, _t, r, taking) =>
      taking && st.arch.splitPmdLock && r.table === undefined ? ["mem"] : [],
  } satisfies TargetHandler<{ lock: "pmd"; addr: number }>,
  pte: {
    resolve: (st, t, target, allocate) => {
      const cls = Rules.LockClassOf.pteLock
      const mine = heldPte(st, t, target.addr)
      if (mine) return { id: mine.id, kind: "pteLock", cls, ...table(mine.table) }
      let pfn = st.mmOf(t).pt.pteTablePfn(target.addr)
      if (pfn === undefined && allocate) {
        const made = st.writable().mms.get(t.mm)?.pt.pteAlloc(target.addr)
        if (isSimError(made)) return made.message
        pfn = made
      }
      const id =
        pteLockId(st, t.mm, target.addr, pfn) ??
        `pte:${t.mm}:none@${Math.floor(target.addr / st.arch.ptrs.pte)}`
      return { id, kind: "pteLock", cls, ...table(pfn) }
    },
    // Which table's lock: the PMD entry of the span (a table allocated on the way: coarse).
    reads: (st, t, target) => [res.pmdEntry(st, t.mm, target.addr)],
    writes: (_st, _t, r, taking) => (taking && r.table === undefined ? ["mem"] : []),
  } satisfies TargetHandler<{ lock: "pte"; addr: number }>,
}

/**
 * pte_offset_map_lock (P11) in three steps, so other tasks can run between them: map (RCU
 * read lock, lockless read of the PMD entry: none or huge jumps to `onFail`), lock that
 * table's PTE lock (may wait), then re-read the PMD entry: if it no longer points at the
 * table locked, unlock, unmap and start again. Without `recheck` the second step ends it.
 */
const pteOffsetMapLock = (st: State, t: Task, s: Op<"pteOffsetMapLock">): Exec => {
  const mm = st.mmOf(t)
  const ptl = t.ptl
  if (ptl === undefined) {
    const pfn = mm.pt.pteTablePfn(s.addr)
    if (pfn === undefined) {
      st.jump(t, s.onFail)
      return "ran"
    }
    t.rcuDepth++
    t.rcuEpoch++
    t.ptl = { table: pfn, locked: false }
    return "ran"
  }
  if (!ptl.locked) {
    const got = lockTable(st, t, s.addr, ptl.table)
    if (typeof got === "object") {
      t.ptl = undefined
      t.rcuDepth--
      return st.misuse(t, "P11", got.misuse)
    }
    if (got === "blocked") return "blocked"
    pteLocked(t, s)
    return "ran"
  }
  t.ptl = undefined
  // When the PMD entry changed under us (the table was retracted or replaced), retry.
  if (stillMapped(st, t, s.addr, ptl.table)) t.pc++
  return "ran"
}

/**
 * Takes the lock of PTE table `table` for page `addr` (the held entry records the table), or
 * sleeps for it: the first half of pte_offset_map_lock and of an RCU walk's revalidating lock.
 */
export const lockTable = (
  st: State,
  t: Task,
  addr: number,
  table: number,
): "locked" | "blocked" | { readonly misuse: string } => {
  const id = pteLockId(st, t.mm, addr, table) as string
  const held: Held = {
    id,
    kind: "pteLock",
    cls: Rules.LockClassOf.pteLock,
    mode: "write",
    at: t.pc,
    vpn: addr,
    table,
  }
  st.checkOrder(t, Rules.LockClassOf.pteLock, id)
  const got = Rwsem.acquire(st.sems.get(id), t.id, "write")
  if (typeof got === "object") return got
  if (got === "blocked") {
    t.status = "blocked"
    t.wait = { on: "sem", id, after: "hold", held }
    return "blocked"
  }
  t.held = [...t.held, held]
  return "locked"
}

/**
 * The second half: re-reads the PMD entry of `addr` (pmd_same). True when it still points at
 * the locked `table`; otherwise drops that lock (and, with `leaveRcu`, the RCU section of the
 * mapping), and false.
 */
export const stillMapped = (
  st: State,
  t: Task,
  addr: number,
  table: number,
  leaveRcu = true,
): boolean => {
  if (st.mmOf(t).pt.pteTablePfn(addr) === table) return true
  t.held = t.held.filter((h) => !(h.kind === "pteLock" && h.table === table))
  if (leaveRcu) t.rcuDepth--
  const r = st.release(pteLockId(st, t.mm, addr, table) as string, t.id, "write")
  if (Array.isArray(r)) st.grant(r)
  return false
}

/** The PTE lock of a pte_offset_map_lock is taken: the re-check comes next, if asked for. */
const pteLocked = (t: Task, s: Op<"pteOffsetMapLock">): void => {
  const table = t.ptl?.table as number
  if (s.recheck === false) {
    t.ptl = undefined
    t.pc++
  } else t.ptl = { table, locked: true }
}

/** A pte_offset_map_lock that slept for its PTE lock got it: the re-check comes next. */
export const granted = (t: Task, s: Step): boolean => {
  if (s.op !== "pteOffsetMapLock" || t.ptl === undefined) return false
  pteLocked(t, s)
  return true
}

/**
 * Working under a PTE lock whose table the PMD entry no longer points at: the table was
 * retracted, reclaimed or replaced after it was found, and nobody re-read the PMD entry after
 * locking. Reported as P10 for a freer (retract_page_tables must revalidate), P16 when the
 * table was found under RCU alone (pte_offset_map_rw_nolock), else P11 (pte_offset_map_lock).
 */
export const staleTableCheck = (
  st: State,
  t: Task,
  action: Rules.ActionName,
  addr: number,
): void => {
  const stale = heldPte(st, t, addr)
  if (stale?.table === undefined || stale.table === st.mmOf(t).pt.pteTablePfn(addr)) return
  const rule =
    action === "retractPteTable"
      ? "P10"
      : t.program[stale.at]?.op === "pteLockRevalidate"
        ? "P16"
        : "P11"
  st.report(t, {
    kind: "rule",
    rule,
    message: `${action}(${addr}) under the lock of PTE table ${stale.table}, which the PMD entry no longer points at: re-read the PMD entry after locking (pmd_same), and retry`,
  })
}

/** pte_unmap_unlock: drops the PTE lock and the RCU section of its pte_offset_map (P11, P10). */
const pteUnmapUnlock = (st: State, t: Task, s: Op<"pteUnmapUnlock">): Exec => {
  const h = heldPte(st, t, s.addr)
  if (h === undefined)
    return st.misuse(t, "P11", `pte_unmap_unlock(${s.addr}) without its PTE lock`)
  t.pc++
  t.held = t.held.filter((x) => x !== h)
  const r = st.release(h.id, t.id, "write")
  if (t.rcuDepth === 0)
    st.report(t, {
      kind: "misuse",
      rule: "P10",
      message: `pte_unmap_unlock(${s.addr}) outside the RCU section of its pte_offset_map`,
    })
  else t.rcuDepth--
  if (Array.isArray(r)) st.grant(r)
  return "ran"
}

/** The page-table locks' own steps: semantics and footprints. */
export const ops = {
  pteOffsetMapLock: {
    exec: pteOffsetMapLock,
    footprint: (st: State, t: Task, s: Op<"pteOffsetMapLock">): Footprint => {
      const table = t.ptl?.table ?? st.mmOf(t).pt.pteTablePfn(s.addr)
      const id = pteLockId(st, t.mm, s.addr, table)
      // The lockless read and the re-check read the PMD entry; the lock and this task's RCU
      // section change.
      const rcu = res.rcu(t)
      return {
        reads: [res.pmdEntry(st, t.mm, s.addr)],
        writes: id === undefined ? [rcu] : [id, rcu],
      }
    },
  },
  pteUnmapUnlock: {
    exec: pteUnmapUnlock,
    footprint: (st: State, t: Task, s: Op<"pteUnmapUnlock">): Footprint => {
      const h = heldPte(st, t, s.addr)
      return { reads: [], writes: h ? [h.id, res.rcu(t)] : [res.rcu(t)] }
    },
  },
}
