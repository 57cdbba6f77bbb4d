/**
 * Kernel calls that are several steps inside: what the program view shows under a call so a
 * race inside it can be played. pte_offset_map_lock (map, lock, re-check) and
 * lock_vma_under_rcu (lookup, vma_start_read, re-check) are three moves each in sim;
 * vma_start_write is one move that may sleep while readers hold the VMA.
 */
import type { Program, Task, World } from "@mmguard/sim"

/** One inner step of a call, and where the task is in it. */
export interface Inner {
  readonly text: string
  readonly at: "done" | "next" | "waiting" | "todo"
}

/** The inner steps of `s`, the step at index `index` of task `t`; empty for a simple step. */
export const innerSteps = (
  w: World,
  t: Task,
  s: Program.Step,
  index: number,
): { readonly atomic: boolean; readonly steps: ReadonlyArray<Inner> } => {
  const here = t.pc === index && t.status !== "done"
  const mark = (texts: ReadonlyArray<string>, pos: number | undefined, wait = false) =>
    texts.map((text, i) => ({
      text,
      at:
        pos === undefined
          ? "todo"
          : i < pos
            ? "done"
            : i === pos
              ? wait
                ? "waiting"
                : "next"
              : "todo",
    })) as ReadonlyArray<Inner>
  switch (s.op) {
    case "pteOffsetMapLock": {
      const texts = [
        "map: rcu_read_lock, read the PMD entry, map its PTE table",
        "lock: take that PTE table's lock",
        ...(s.recheck === false
          ? []
          : ["re-check: does the PMD entry still point at it? if not, unlock and retry"]),
      ]
      const pos = !here ? undefined : t.ptl === undefined ? 0 : t.ptl.locked ? 2 : 1
      return { atomic: false, steps: mark(texts, pos, here && t.status === "blocked") }
    }
    case "vmaStartWrite":
    case "vmaStartWriteKillable": {
      const waiting = here && t.status === "blocked"
      const sem = t.wait?.on === "sem" ? w.sems.get(t.wait.id) : undefined
      const readers = sem?.readers.map((r) => w.tasks[r]?.name ?? r).join(", ")
      const texts = [
        "mark the writer in vm_refcnt (new readers now fail)",
        `wait until the VMA's readers leave${waiting && readers ? ` (now: ${readers})` : ""}${s.op === "vmaStartWriteKillable" ? "; a fatal signal ends the wait (-EINTR)" : ""}`,
        "vm_lock_seq = mm_lock_seq: write-locked until the mmap lock is released",
      ]
      return { atomic: false, steps: mark(texts, here ? (waiting ? 1 : 0) : undefined, waiting) }
    }
    case "lockVmaUnderRcu": {
      const texts = [
        "lookup: rcu_read_lock, find the VMA in the mm's tree",
        "vma_start_read: raise vm_refcnt (fails if detached or a writer marked it)",
        s.recheck === false
          ? "vm_lock_seq check only (no re-check of the VMA); rcu_read_unlock"
          : "check vm_lock_seq, re-check the VMA is ours and covers the address; rcu_read_unlock",
      ]
      const look = t.vmaLookup
      const pos = !here ? undefined : look === undefined ? 0 : look.ref ? 2 : 1
      return { atomic: false, steps: mark(texts, pos) }
    }
    default:
      return { atomic: true, steps: [] }
  }
}
