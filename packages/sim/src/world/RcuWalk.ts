import type { Step } from "../Program.js"
import type { Task } from "../Task.js"
import { lockTable, pteLockId, stillMapped } from "./PtLocks.js"
import { type Exec, type Footprint, res, type State } from "./State.js"

type Op<K extends Step["op"]> = Extract<Step, { op: K }>

/**
 * pte_offset_map_rw_nolock: enters RCU and maps the PTE table the PMD entry points at now
 * (none or a huge leaf: leaves RCU and takes `onFail`).
 */
const pteOffsetMapNolock = (st: State, t: Task, s: Op<"pteOffsetMapNolock">): Exec => {
  const table = st.mmOf(t).pt.pteTablePfn(s.addr)
  if (table === undefined) {
    st.jump(t, s.onFail)
    return "ran"
  }
  t.rcuDepth++
  t.rcuEpoch++
  t.mapped = { table, locked: false }
  t.pc++
  return "ran"
}

/**
 * Takes the lock of the PTE table mapped by pte_offset_map_rw_nolock (may wait), then re-reads
 * the PMD entry: if it no longer points at that table, unlocks and takes `onFail` (the table
 * stays mapped: the caller's pte_unmap leaves RCU, then it retries or gives up). Without
 * `recheck` the lock alone ends it (P16, P10 bug).
 */
const pteLockRevalidate = (st: State, t: Task, s: Op<"pteLockRevalidate">): Exec => {
  const m = t.mapped
  if (m === undefined)
    return st.misuse(t, "P16", `pte lock of ${s.addr} without pte_offset_map_rw_nolock first`)
  if (!m.locked) {
    const got = lockTable(st, t, s.addr, m.table)
    if (typeof got === "object") return st.misuse(t, "P16", got.misuse)
    if (got === "blocked") return "blocked"
    locked(t, s)
    return "ran"
  }
  // When the PMD entry changed (the table was freed or replaced after we found it), fail.
  if (stillMapped(st, t, s.addr, m.table, false)) {
    t.mapped = undefined
    t.pc++
  } else {
    t.mapped = { table: m.table, locked: false }
    st.jump(t, s.onFail)
  }
  return "ran"
}

/** The mapped table's lock is taken: the PMD re-check comes next, if asked for. */
const locked = (t: Task, s: Op<"pteLockRevalidate">): void => {
  const table = t.mapped?.table as number
  if (s.recheck === false) {
    t.mapped = undefined
    t.pc++
  } else t.mapped = { table, locked: true }
}

/** A pteLockRevalidate that slept for its lock got it: the re-check comes next. */
export const granted = (t: Task, s: Step): boolean => {
  if (s.op !== "pteLockRevalidate" || t.mapped === undefined) return false
  locked(t, s)
  return true
}

/** pte_unmap: leaves the RCU section of the mapping (the pointer itself stays, as in C). */
const pteUnmap = (st: State, t: Task, s: Op<"pteUnmap">): Exec => {
  if (t.rcuDepth === 0)
    return st.misuse(t, "P10", `pte_unmap(${s.addr}) outside the RCU section of its mapping`)
  t.rcuDepth--
  t.pc++
  return "ran"
}

/**
 * ptep_get through the mapped table: fine inside RCU (the table cannot be freed under it, even
 * when unlinked); outside RCU, reading a table that a zap or khugepaged has unlinked meanwhile
 * reads freed memory (P17).
 */
const ptepGet = (st: State, t: Task, s: Op<"ptepGet">): Exec => {
  const m = t.mapped
  if (m === undefined) return st.misuse(t, "P16", `ptep_get(${s.addr}) without a mapped table`)
  if (t.rcuDepth === 0 && st.mmOf(t).pt.pteTablePfn(s.addr) !== m.table)
    st.report(t, {
      kind: "rule",
      rule: "P17",
      message: `ptep_get(${s.addr}) reads PTE table ${m.table} after leaving RCU, and a zap (PT reclaim) or khugepaged freed it meanwhile: stay inside the RCU section while using the table`,
    })
  t.pc++
  return "ran"
}

/** A map or unmap: the page tables, and this task's RCU section. */
const walk = (_st: State, t: Task): Footprint => ({ reads: ["mem"], writes: [res.rcu(t)] })

/** The RCU page-table walk steps: semantics and footprints. */
export const ops = {
  pteOffsetMapNolock: { exec: pteOffsetMapNolock, footprint: walk },
  pteLockRevalidate: {
    exec: pteLockRevalidate,
    footprint: (st: State, t: Task, s: Op<"pteLockRevalidate">): Footprint => {
      const id = t.mapped && pteLockId(st, t.mm, s.addr, t.mapped.table)
      return { reads: ["mem"], writes: id === undefined ? [res.rcu(t)] : [id, res.rcu(t)] }
    },
  },
  pteUnmap: { exec: pteUnmap, footprint: walk },
  ptepGet: {
    exec: ptepGet,
    footprint: (_st: State, t: Task): Footprint => ({ reads: ["mem", res.rcu(t)], writes: [] }),
  },
}
