/**
 * A simulated task: its program counter, the locks it holds, its RCU read sections, what it
 * waits for when blocked, a pte_offset_map_lock and an rmap walk under way.
 *
 * @since 0.1.0
 */
import type { Rules } from "@mmguard/core"
import type { Step } from "./Program.js"

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
    }
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
  held: Array<Held>
  rcuDepth: number
  rcuEpoch: number
  wait: Wait | undefined
  /**
   * A pte_offset_map_lock under way (P11): the PTE table it mapped, and whether its lock is
   * taken (the PMD re-check comes next).
   */
  ptl: { readonly table: number; readonly locked: boolean } | undefined
  /** An rmap walk under way (`rmapWalk` ... `rmapWalkNext`), see `world/RmapWalk`. */
  walk: Walk | undefined
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
