/**
 * A simulated task: its program counter, the locks it holds, its RCU read sections, what it
 * waits for when blocked, and the multi-step kernel calls under way (pte_offset_map_lock,
 * lock_vma_under_rcu, a PTE table mapped under RCU, an rmap walk).
 *
 * @since 0.1.0
 */
import type { Rules } from "@mmguard/core"
import type { Step } from "./Program.js"
import type { TaskDigest } from "./world/Digest.js"

/** A lock a task holds. */
export interface Held {
  readonly id: string
  readonly kind: Rules.LockKind | "class"
  readonly cls: Rules.LockClass | undefined
  readonly mode: "read" | "write"
  /** The step index that took it (for lockdep chains). */
  readonly at: number
  /** PTE locks: the page the lock was taken for, and the pfn of the PTE table it belongs to. */
  readonly vpn?: number
  readonly table?: number
  /** VMA read locks: the id of the VMA object locked (it may be reused later, V7). */
  readonly vma?: number
}

/** What a blocked task is waiting for. */
export type Wait =
  | { readonly on: "sem"; readonly id: string; readonly after: "hold"; readonly held: Held }
  | {
      readonly on: "sem"
      readonly id: string
      readonly after: "vmaSeq"
      readonly mm: string
      readonly vma: number
      /** vma_start_write_killable: a fatal signal may end the wait (L11). */
      readonly killable?: boolean
    }
  | { readonly on: "sem"; readonly id: string; readonly after: "vmaDetach" }
  /** A step that runs again from the start once it got the lock (and gave it back). */
  | { readonly on: "sem"; readonly id: string; readonly after: "retry" }
  | { readonly on: "grace"; readonly readers: ReadonlyArray<readonly [number, number]> }

/** A running task. */
export interface Task {
  readonly id: number
  readonly name: string
  readonly mm: string
  readonly program: ReadonlyArray<Step>
  pc: number
  status: "runnable" | "blocked" | "done"
  /** What it holds, oldest first: replaced on change, never changed in place (clones share it). */
  held: ReadonlyArray<Held>
  rcuDepth: number
  rcuEpoch: number
  wait: Wait | undefined
  /**
   * A pte_offset_map_lock under way (P11): the PTE table it mapped, and whether its lock is
   * taken (the PMD re-check comes next).
   */
  ptl: { readonly table: number; readonly locked: boolean } | undefined
  /**
   * lock_vma_under_rcu under way (L2, V3, V7): the VMA object found by the lookup, and whether
   * vma_start_read has raised its reference count yet.
   */
  vmaLookup: { readonly vma: number; readonly ref: boolean } | undefined
  /**
   * A PTE table mapped under RCU by pte_offset_map_rw_nolock (P16): its pfn, and whether its
   * lock is taken (the PMD re-check comes next). It stays here after pte_unmap, like the
   * stale pointer in C, so a use after leaving RCU can be caught (P17).
   */
  mapped: { readonly table: number; readonly locked: boolean } | undefined
  /** The VMA whose vma_start_write_killable a fatal signal interrupted (L11), if any. */
  interrupted: number | undefined
  /** An rmap walk under way (`rmapWalk` ... `rmapWalkNext`), see `world/RmapWalk`. */
  walk: Walk | undefined
  /** The task's part of the state digest, remembered while it holds (see `world/Digest`). */
  digest: TaskDigest | undefined
}

/**
 * An rmap walk under way: the steps of its head and end, the VMAs the tree held in the range
 * when it began (by mm and id: clones copy VMA objects), the one bound now, and whether the end
 * of the body just sent the task back to the head for the next one.
 */
export interface Walk {
  readonly head: number
  readonly next: number
  readonly vmas: ReadonlyArray<readonly [mm: string, id: number]>
  readonly index: number
  readonly advance: boolean
}
