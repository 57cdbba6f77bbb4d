/**
 * Page-table operations (P2-P8, P10, P14, P15): the kernel API calls of core's `Actions` table
 * that read or change page tables and VMAs' place in them (`do` steps), each checked against
 * every row core lists for it, then performed on the memory; and `assertMapped`.
 *
 * @since 0.2.0
 */
import { Check, type Rules } from "@mmguard/core"
import type { Memory } from "../Memory.js"
import type { Mm } from "../Mm.js"
import { Pte } from "../PageTable.js"
import type { Step } from "../Program.js"
import * as Rmap from "../Rmap.js"
import { isSimError } from "../SimError.js"
import type { Task } from "../Task.js"
import { heldPte } from "./PtLocks.js"
import { type Exec, type Footprint, res, type State } from "./State.js"

type Op<K extends Step["op"]> = Extract<Step, { op: K }>

/** Actions that only read memory (their steps need not copy a shared memory). */
const readOnlyActions: ReadonlySet<Rules.ActionName> = new Set([
  "findVma",
  "readVma",
  "walk",
  "walkLockless",
])

/** Maps a fresh frame at `vpn`. */
export const mapFresh = (memory: Memory, mm: Mm, vpn: number): void => {
  const frames = memory.frames
  const pfn = frames.alloc()
  mm.pt.install(vpn, Pte.make(pfn, Pte.PRESENT | Pte.USER))
  frames.put(pfn)
}

/** Maps the named frame `pfn` at `vpn` (shared if already mapped); page-table pages refused. */
const mapFrame = (st: State, t: Task, mm: Mm, vpn: number, pfn: number): void => {
  const frames = st.memory.frames
  const table = [...st.memory.mms.values()].some((m) => m.pt.tablePfns().includes(pfn))
  const err = table
    ? `pfn ${pfn} is a page-table page: it must never be mapped into user space`
    : frames.claim(pfn)?.message
  if (err !== undefined) {
    st.report(t, { kind: "misuse", rule: "P3", message: `installPte(${vpn}): ${err}` })
    return
  }
  mm.pt.install(vpn, Pte.make(pfn, Pte.PRESENT | Pte.USER))
  frames.put(pfn)
}

/** Performs action `s.action` after checking it (and the PTE lock's table, P11). */
const perform = (st: State, t: Task, s: Op<"do">): void => {
  const memory = readOnlyActions.has(s.action) ? st.memory : st.writable()
  const mm = st.mmOf(t)
  const vma = st.vmaAt(t, s.addr)
  const stale = heldPte(st, t, s.addr)
  if (stale?.table !== undefined && stale.table !== mm.pt.pteTablePfn(s.addr))
    st.report(t, {
      kind: "rule",
      rule: "P11",
      message: `${s.action}(${s.addr}) under the lock of PTE table ${stale.table}, which the PMD entry no longer points at: pte_offset_map_lock must re-read the PMD entry after locking, and retry`,
    })
  st.checkRows(t, Check.checkAction(s.action, st.lockState(t, vma, s.addr)))
  const end = s.end ?? s.addr + 1
  switch (s.action) {
    case "installPte":
      if (vma === undefined)
        st.report(t, {
          kind: "rule",
          rule: "P3",
          message: `install at page ${s.addr}, which no VMA covers: the page leaks`,
        })
      if (mm.pt.read(s.addr) !== 0) return
      if (s.pfn === undefined) mapFresh(memory, mm, s.addr)
      else mapFrame(st, t, mm, s.addr, s.pfn)
      return
    case "zapRange":
      mm.pt.zap(s.addr, end)
      return
    case "changeAccessDirty": {
      const e = mm.pt.read(s.addr)
      if (e !== 0) mm.pt.setFlags(s.addr, Pte.flags(e) & ~(Pte.ACCESSED | Pte.DIRTY))
      return
    }
    case "freePgtables": {
      for (const v of memory.detachedBy(t.id).filter((d) => d.start < end && s.addr < d.end))
        Rmap.unlink(v)
      const r = mm.freePgtables(s.addr, end)
      if (isSimError(r))
        st.report(t, { kind: "rule", rule: r.rule, message: `free_pgtables: ${r.message}` })
      return
    }
    case "movePageTables": {
      const r = mm.pt.moveTables(s.addr, s.to ?? s.addr, end - s.addr)
      if (r) st.report(t, { kind: "rule", rule: r.rule, message: `move_page_tables: ${r.message}` })
      return
    }
    case "retractPteTable":
      mm.pt.retract(s.addr)
      return
    case "setAnonVma":
      if (vma && vma.anonVma === undefined) vma.anonVma = memory.newAnonVma()
      return
    case "clearAnonVma":
      if (vma) vma.anonVma = undefined
      return
    case "detachVma":
      if (vma && mm.detach(vma) === undefined) memory.addDetached(t.id, vma)
      return
    case "findVma":
    case "readVma":
    case "walk":
    case "walkLockless":
      return
  }
}

/** An assertion on the page tables: is page `addr` mapped? (a failure is reported as P4). */
const assertMapped = (st: State, t: Task, s: Op<"assertMapped">): Exec => {
  const mapped = st.mmOf(t).pt.read(s.addr) !== 0
  if (mapped !== s.mapped)
    st.report(t, {
      kind: "assert",
      rule: "P4",
      message: `page ${s.addr} is ${mapped ? "" : "not "}mapped`,
    })
  t.pc++
  return "ran"
}

/** The page-table operations' steps: semantics and footprints. */
export const ops = {
  do: {
    exec: (st: State, t: Task, s: Op<"do">): Exec => {
      perform(st, t, s)
      t.pc++
      return "ran"
    },
    footprint: (st: State, t: Task, s: Op<"do">): Footprint => {
      const seqs = res.lockStateSeqs(t)
      if (readOnlyActions.has(s.action)) return { reads: ["mem", ...seqs], writes: [] }
      // One PTE of a table already there (a fresh page also takes a frame): the lookups read
      // the VMAs and the PMD entry; nothing else changes.
      const onePte =
        (s.action === "changeAccessDirty" || (s.action === "installPte" && s.pfn === undefined)) &&
        st.mmOf(t).pt.pteTablePfn(s.addr) !== undefined
      if (!onePte) return { reads: seqs, writes: ["mem"] }
      const pte = res.pte(t.mm, s.addr)
      return {
        reads: [res.vmas(t.mm), res.pmdEntry(st, t.mm, s.addr), ...seqs],
        writes: s.action === "installPte" ? [pte, res.frames] : [pte],
      }
    },
  },
  assertMapped: {
    exec: assertMapped,
    footprint: (): Footprint => ({ reads: ["mem"], writes: [] }),
  },
}
