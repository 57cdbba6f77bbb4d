/**
 * Task programs as data: a list of kernel-named steps that a task runs one at a time. Being
 * data, a program can be shown line by line (the tutor does), replayed and explored.
 * Addresses are page numbers (vpn).
 *
 * @since 0.1.0
 */
import type { Rules } from "@mmguard/core"

/** A lock a step names: the mm's locks, the rmap locks of the VMA at `addr`, or a generic class. */
export type LockTarget =
  | { readonly lock: "mmap" }
  | { readonly lock: "anonVma"; readonly addr: number }
  | { readonly lock: "iMmap"; readonly file: string }
  | { readonly lock: "pageTableLock" }
  | { readonly lock: "pmd"; readonly addr: number }
  | { readonly lock: "pte"; readonly addr: number }
  | { readonly lock: "class"; readonly cls: Rules.LockClass; readonly name: string }

/** One step of a program. `label` names it as a jump target. */
export type Step = { readonly label?: string } & (
  | ({ readonly op: "lock"; readonly mode?: "read" | "write" } & LockTarget)
  | ({
      readonly op: "trylock"
      readonly mode?: "read" | "write"
      readonly onFail: string
    } & LockTarget)
  | ({ readonly op: "unlock"; readonly mode?: "read" | "write" } & LockTarget)
  | { readonly op: "mmapWriteDowngrade" }
  | { readonly op: "lockVmaUnderRcu"; readonly addr: number; readonly onFail: string }
  | { readonly op: "vmaEndRead"; readonly addr: number }
  | { readonly op: "vmaStartWrite"; readonly addr: number }
  | {
      readonly op: "pteOffsetMapLock"
      readonly addr: number
      readonly onFail: string
      /** Re-read the PMD entry after locking and retry if it changed (P11); default true. */
      readonly recheck?: boolean
    }
  | { readonly op: "pteUnmapUnlock"; readonly addr: number }
  | { readonly op: "rcuReadLock" }
  | { readonly op: "rcuReadUnlock" }
  | { readonly op: "synchronizeRcu" }
  | {
      readonly op: "do"
      readonly action: Rules.ActionName
      readonly addr: number
      readonly end?: number
      readonly to?: number
      /** installPte: the page frame to map (a fresh frame when absent). */
      readonly pfn?: number
    }
  | {
      readonly op: "writeVma"
      readonly addr: number
      readonly field: Rules.VmaField
      readonly value: unknown
    }
  | { readonly op: "findVma"; readonly addr: number; readonly onFail: string }
  | { readonly op: "goto"; readonly to: string }
  | { readonly op: "assertMapped"; readonly addr: number; readonly mapped: boolean }
)

/** A task to run: its name, the mm it belongs to, and its program. */
export interface TaskSpec {
  readonly name: string
  readonly mm: string
  readonly program: ReadonlyArray<Step>
}

/** The text of one step, in kernel terms (what the tutor shows). */
export const show = (s: Step): string => {
  const target = (t: Step & { lock?: string }): string => {
    const x = t as unknown as Record<string, unknown>
    switch (x.lock) {
      case "mmap":
        return "mmap"
      case "anonVma":
        return `anon_vma(${x.addr})`
      case "iMmap":
        return `i_mmap(${x.file})`
      case "pageTableLock":
        return "mm->page_table_lock"
      case "pmd":
        return `pmd_lock(${x.addr})`
      case "pte":
        return `pte_lock(${x.addr})`
      default:
        return `${x.cls}(${x.name})`
    }
  }
  switch (s.op) {
    case "lock":
    case "trylock":
    case "unlock": {
      const mode = s.mode ? `_${s.mode}` : ""
      const fail = s.op === "trylock" ? ` else goto ${s.onFail}` : ""
      return `${s.op}${mode} ${target(s)}${fail}`
    }
    case "lockVmaUnderRcu":
      return `lock_vma_under_rcu(${s.addr}) else goto ${s.onFail}`
    case "vmaEndRead":
      return `vma_end_read(${s.addr})`
    case "vmaStartWrite":
      return `vma_start_write(${s.addr})`
    case "mmapWriteDowngrade":
      return "mmap_write_downgrade()"
    case "pteOffsetMapLock":
      return `pte_offset_map_lock(${s.addr})${s.recheck === false ? " without the PMD re-check" : ""} else goto ${s.onFail}`
    case "pteUnmapUnlock":
      return `pte_unmap_unlock(${s.addr})`
    case "rcuReadLock":
      return "rcu_read_lock()"
    case "rcuReadUnlock":
      return "rcu_read_unlock()"
    case "synchronizeRcu":
      return "synchronize_rcu()"
    case "do":
      return `${s.action}(${[s.addr, s.end, s.to, s.pfn].filter((x) => x !== undefined).join(", ")})`
    case "writeVma":
      return `vma->${s.field} = ${JSON.stringify(s.value)}`
    case "findVma":
      return `find_vma(${s.addr}) else goto ${s.onFail}`
    case "goto":
      return `goto ${s.to}`
    case "assertMapped":
      return `assert ${s.mapped ? "" : "!"}mapped(${s.addr})`
  }
}
