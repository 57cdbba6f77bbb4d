/**
 * The state container of a world: memory (frames, mms, files, detached VMAs), the lock table,
 * the VMA sequence counts, the tasks, the schedule so far, the violations and the lockdep
 * history, each shared with clones until one side writes to it (copy on write). The primitive
 * modules beside this file hold the semantics; this class holds the data they act on and the
 * helpers every one of them needs (reporting, rule checks, jumps, lock release and wake-up).
 *
 * @since 0.2.0
 */
import { Check, type Rules } from "@mmguard/core"
import type { Arch } from "../Arch.js"
import { Lockdep } from "../Lockdep.js"
import { Memory } from "../Memory.js"
import type { Mm } from "../Mm.js"
import * as Rwsem from "../Rwsem.js"
import { SimError } from "../SimError.js"
import type { Task, Wait } from "../Task.js"
import type { Vma } from "../Vma.js"
import * as MmapLock from "./MmapLock.js"
import { pmdLockId, pteLockId } from "./PtLocks.js"
import { anonLockId, iMmapLockId } from "./RmapLocks.js"
import * as RmapWalk from "./RmapWalk.js"
import { SemTable } from "./SemTable.js"
import * as VmaLock from "./VmaLock.js"

/** A reported problem: which rule, which task, what it held, and the trace that got there. */
export interface Violation {
  readonly kind: "rule" | "order" | "misuse" | "leak" | "deadlock" | "assert"
  readonly rule: string
  readonly task: string
  readonly message: string
  readonly held: ReadonlyArray<string>
  readonly trace: ReadonlyArray<number>
}

/** The shared resources a step reads and writes (see `World.footprint`). */
export interface Footprint {
  readonly reads: ReadonlyArray<string>
  readonly writes: ReadonlyArray<string>
}

/** What executing a step did to its task: it went on, or it sleeps in a wait. */
export type Exec = "ran" | "blocked"

/**
 * Footprint resources (see `World.footprint`). They are paths: one holds every path below it,
 * so a step that changes `mem` conflicts with one that reads `mem:proc:pte:601`.
 */
export const res = {
  /** The VMAs of mm `mm` as lookups see them (which VMA covers a page, its anon_vma). */
  vmas: (mm: string): string => `mem:${mm}:vmas`,
  /** The PMD entry that points at the PTE table of `vpn`'s span. */
  pmdEntry: (st: State, mm: string, vpn: number): string =>
    `mem:${mm}:pmd:${Math.floor(vpn / st.arch.ptrs.pte)}`,
  /** The PTE of page `vpn`. */
  pte: (mm: string, vpn: number): string => `mem:${mm}:pte:${vpn}`,
  /** The vm_flags of VMA object `vma` of `mm`. */
  vmaFlags: (mm: string, vma: number): string => `mem:${mm}:vmaflags:${vma}`,
  /** An atomic field (F6) of VMA object `vma` of `mm`: read by no step, written atomically. */
  vmaAtomic: (mm: string, vma: number, field: string): string =>
    `mem:${mm}:vmaatomic:${vma}:${field}`,
  /** The frame allocator (which pfn the next fresh page gets). */
  frames: "mem:frames",
  /** mm_lock_seq of `mm`; it holds each VMA's vm_lock_seq, `seq:<mm>:<vma id>`. */
  seq: (mm: string, vma?: number): string => (vma === undefined ? `seq:${mm}` : `seq:${mm}:${vma}`),
  /** Task `t`'s RCU read sections (grace periods read every task's: `rcu`). */
  rcu: (t: Task): string => `rcu:${t.id}`,
  /** What task `t`'s lock state reads of the sequence counts: all of them under mmap write. */
  lockStateSeqs: (t: Task): Array<string> =>
    t.held.some((h) => h.kind === "mmap" && h.mode === "write") ? [`seq:${t.mm}`] : [],
}

/** The sem wait kinds, and what finishes each one when the semaphore is granted. */
export type Resumers = {
  readonly [K in Extract<Wait, { on: "sem" }>["after"]]: (
    st: State,
    t: Task,
    wait: Extract<Wait, { on: "sem"; after: K }>,
  ) => void
}

/** The data of one world, and the helpers its primitives share. */
export class State {
  readonly arch: Arch
  /** Frames, mms and files; shared with clones until a step writes to it (see `writable`). */
  memory: Memory
  private memoryShared = false
  /** The semaphores of every lock, by lock id. */
  sems: SemTable
  /** mm_lock_seq per mm and vm_lock_seq per VMA (V1, V2). */
  seqs: VmaLock.VmaSeqs
  /**
   * The tasks, by id: read them here, change one only through `own` (a clone shares the array
   * and every task object until one side changes a task).
   */
  tasks: Array<Task>
  private tasksShared = false
  /**
   * Per task id: 1 when this state has its own copy of the task (0: maybe shared); undefined
   * when it has none (a clone's, until its first `own`).
   */
  private ownedTasks: Uint8Array | undefined
  /** The schedule so far, newest move first: clones share the older part. */
  private steps: { readonly id: number; readonly prev: State["steps"] } | undefined
  private stepCount = 0
  /** Every violation so far, oldest first (replaced, never changed: clones share it). */
  violations: ReadonlyArray<Violation> = []
  /** The lock-order history (O3); shared with clones until either adds to it. */
  lockdep = new Lockdep()
  /** What ends each kind of semaphore wait (given by the world's dispatcher, shared). */
  readonly resume: Resumers

  constructor(arch: Arch, tasks: Array<Task>, resume: Resumers) {
    this.arch = arch
    this.memory = Memory.empty(arch)
    this.sems = new SemTable()
    this.seqs = new VmaLock.VmaSeqs()
    this.tasks = tasks
    this.ownedTasks = new Uint8Array(tasks.length).fill(1)
    this.resume = resume
  }

  /** Task `id`, this state's own copy (made first if a clone may share it): call before writes. */
  own(id: number): Task | undefined {
    const t = this.tasks[id]
    if (t === undefined || this.ownedTasks?.[id] === 1) return t
    if (this.tasksShared) {
      this.tasks = this.tasks.slice()
      this.tasksShared = false
    }
    const mine = { ...t }
    this.tasks[id] = mine
    this.ownedTasks ??= new Uint8Array(this.tasks.length)
    this.ownedTasks[id] = 1
    return mine
  }

  /** The memory, copied first if a clone still shares it: call before any write. */
  writable(): Memory {
    if (this.memoryShared) {
      this.memory = this.memory.clone()
      this.memoryShared = false
    }
    this.memory.touch()
    return this.memory
  }

  /** The schedule so far: the moves stepped, oldest first. */
  get trace(): ReadonlyArray<number> {
    const out = new Array<number>(this.stepCount)
    let n = this.steps
    for (let i = this.stepCount - 1; n !== undefined; i--, n = n.prev) out[i] = n.id
    return out
  }

  /** Appends `move` to the schedule. */
  record(move: number): void {
    this.steps = { id: move, prev: this.steps }
    this.stepCount++
  }

  /** The mm of task `t`. */
  mmOf(t: Task): Mm {
    const mm = this.memory.mms.get(t.mm)
    // Unreachable: Validate.world rejects a task naming an unknown mm.
    if (mm === undefined)
      throw new SimError({ kind: "InvalidWorld", rule: "input", message: `unknown mm ${t.mm}` })
    return mm
  }

  /**
   * The VMA covering `vpn` for task `t`: the one its rmap walk bound (in the walk's body), in
   * the tree, or one the task detached itself.
   */
  vmaAt(t: Task, vpn: number): Vma | undefined {
    return (
      RmapWalk.boundAt(this, t, vpn) ??
      this.mmOf(t).find(vpn) ??
      this.memory.detachedBy(t.id).find((v) => v.start <= vpn && vpn < v.end)
    )
  }

  /** The mode in which task `t` holds lock `id`, if it does. */
  holds(t: Task, id: string): "read" | "write" | undefined {
    return t.held.find((h) => h.id === id)?.mode
  }

  /**
   * The lock state task `t` has for VMA `vma` and page `vpn`: the input of `Check.check`, whose
   * clauses say which states keep the VMA stable (L5) and what each permits (L8).
   */
  lockState(t: Task, vma: Vma | undefined, vpn: number | undefined): Rules.LockState {
    const state: { -readonly [K in Rules.LockKind]?: Rules.LockMode } = {}
    const mmap = this.holds(t, MmapLock.lockId(t))
    if (mmap) state.mmap = mmap
    if (vma) {
      const v = VmaLock.mode(this, t, vma, mmap)
      if (v) state.vma = v
      const av = vma.anonVma && this.holds(t, anonLockId(vma.anonVma.id))
      if (av) state.anonVma = av
      const im = vma.file && this.holds(t, iMmapLockId(vma.file.name))
      if (im) state.iMmap = im
    }
    if (this.holds(t, `ptl:${t.mm}`)) state.pageTableLock = "held"
    if (vpn !== undefined) {
      const pmd = pmdLockId(this, t.mm, vpn)
      if (pmd !== undefined && this.holds(t, pmd)) state.pmdLock = "held"
      const pte = pteLockId(this, t.mm, vpn)
      if (pte !== undefined && this.holds(t, pte)) state.pteLock = "held"
    }
    if (t.rcuDepth > 0) state.rcu = "held"
    return state
  }

  /** Records a violation by task `t`, with its locks and the trace so far. */
  report(t: Task, v: Omit<Violation, "task" | "held" | "trace">): void {
    const violation = {
      ...v,
      task: t.name,
      held: t.held.map((h) => `${h.id} (${h.mode})`),
      trace: this.trace,
    }
    this.violations = [...this.violations, violation]
  }

  /** Reports every failed verdict of core's rule table. */
  checkRows(t: Task, verdicts: ReadonlyArray<Check.Verdict>): void {
    for (const v of verdicts)
      if (!v.ok) this.report(t, { kind: "rule", rule: v.rule, message: Check.explain(v) })
  }

  /** Lockdep: taking class `cls` while holding others (O1-O3). Reports each inversion once. */
  checkOrder(t: Task, cls: Rules.LockClass | undefined, id: string): void {
    for (const message of this.lockdep.take(t.name, t.held, cls, id))
      this.report(t, { kind: "order", rule: "O3", message })
  }

  /** Reports a misuse by the program and moves past the step (misuse never crashes the world). */
  misuse(t: Task, rule: string, message: string): "ran" {
    this.report(t, { kind: "misuse", rule, message })
    t.pc++
    return "ran"
  }

  /** Continues task `t` at the step labelled `label` (past the end when there is none). */
  jump(t: Task, label: string): void {
    const i = t.program.findIndex((s) => s.label === label)
    t.pc = i >= 0 ? i : t.program.length
  }

  /**
   * up_read / up_write of lock `id` by task `task`: returns the waiters it grants (give them to
   * `grant` once the releasing step is done), or a misuse, which changes nothing.
   */
  release(
    id: string,
    task: number,
    mode: "read" | "write",
  ): Array<Rwsem.Waiter> | { readonly misuse: string } {
    return Rwsem.release(this.sems.get(id), task, mode)
  }

  /** The tasks granted a semaphore go on: each finishes the wait it slept in. */
  grant(waiters: ReadonlyArray<Rwsem.Waiter>): void {
    for (const w of waiters) {
      const t = this.own(w.task) as Task
      const wait = t.wait
      if (wait?.on !== "sem") continue
      t.wait = undefined
      t.status = "runnable"
      ;(this.resume[wait.after] as (st: State, t: Task, w: Wait) => void)(this, t, wait)
    }
  }

  /** A copy sharing everything with this state until either side writes. */
  clone(): State {
    // Both sides share the memory and the tasks until they change them (`writable`, `own`).
    this.memoryShared = true
    this.tasksShared = true
    this.ownedTasks = undefined
    // Field by field, in the order the class declares them (one shape for every clone).
    const c = Object.create(State.prototype) as State
    ;(c as { arch: Arch }).arch = this.arch
    c.memory = this.memory
    c.memoryShared = true
    c.sems = this.sems.fork()
    c.seqs = this.seqs.fork()
    c.tasks = this.tasks
    c.tasksShared = true
    c.ownedTasks = undefined
    c.steps = this.steps
    c.stepCount = this.stepCount
    c.violations = this.violations
    c.lockdep = this.lockdep.fork()
    ;(c as { resume: Resumers }).resume = this.resume
    return c
  }
}
