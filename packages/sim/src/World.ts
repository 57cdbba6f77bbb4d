/**
 * The simulated world as a state machine: address spaces, the locks with their kernel
 * semantics, and tasks that run one step at a time. `step(taskId)` is the only transition; the
 * scheduler, the explorer, the tutor and the Effect layer all drive it, so every run is
 * deterministic and replayable from its trace (the list of task ids stepped).
 *
 * Every step is checked against core's rule table (lockdep for mm): a broken rule, a lock
 * inversion, a misuse, a leak at task end or a deadlock becomes a `Violation`, never a throw.
 *
 * @since 0.1.0
 */
import { Check, Rules } from "@mmguard/core"
import type { Arch } from "./Arch.js"
import { x86_64 } from "./Arch.js"
import type { Frames } from "./Frames.js"
import { Lockdep } from "./Lockdep.js"
import { Memory } from "./Memory.js"
import type { Mm } from "./Mm.js"
import { Pte } from "./PageTable.js"
import type { LockTarget, Step } from "./Program.js"
import * as Rmap from "./Rmap.js"
import * as Rwsem from "./Rwsem.js"
import { isSimError, SimError } from "./SimError.js"
import type { Held, Task } from "./Task.js"
import type { WorldSpec } from "./Validate.js"
import * as Validate from "./Validate.js"
import { type Vma, writeField } from "./Vma.js"

export type { VmaSetup, WorldSpec } from "./Validate.js"

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

/** What one step did. */
export type StepOutcome = "ran" | "blocked" | "done" | "not-runnable"

/** `{ table }` when a PTE table pfn is known, else nothing (for optional fields). */
const table = (pfn: number | undefined): { table?: number } =>
  pfn === undefined ? {} : { table: pfn }

/** Actions that only read memory (their steps need not copy a shared memory). */
const readOnlyActions: ReadonlySet<Rules.ActionName> = new Set([
  "findVma",
  "readVma",
  "walk",
  "walkLockless",
])

/** The simulated machine. */
export class World {
  readonly arch: Arch
  /** Frames, mms and files; shared with clones until a step writes to it. */
  private memory: Memory
  private memoryShared = false
  /** The semaphores by lock id; a clone shares them until it changes one (see `sem`). */
  private semTable = new Map<string, Rwsem.Rwsem>()
  private semTableShared = false
  /** After a clone: the semaphores this world has copied for itself (the rest are shared). */
  private semsOwned: Set<string> | undefined
  readonly tasks: Array<Task>
  /** mm_lock_seq per mm and vm_lock_seq per VMA (`mm:id`); shared with clones until written. */
  private seqs = { mm: new Map<string, number>(), vm: new Map<string, number>() }
  private seqsShared = false
  /** The schedule so far, newest step first: clones share the older part. */
  private steps: { readonly id: number; readonly prev: World["steps"] } | undefined
  private stepCount = 0
  /** Every violation so far, oldest first (replaced, never changed: clones share it). */
  violations: ReadonlyArray<Violation> = []
  /** The lock-order history (O3); shared with clones until either adds to it. */
  private lockdep = new Lockdep()
  private semOrder: ReadonlyArray<string> = []

  /**
   * Builds the world of `spec`. The throwing form: a spec that `Validate.world` rejects throws
   * that `SimError` (never anything else); `World.make` returns it instead.
   */
  constructor(input: WorldSpec) {
    const spec = Validate.world(input)
    if (isSimError(spec)) throw spec
    this.arch = spec.arch ?? x86_64
    this.memory = Memory.empty(this.arch)
    for (const m of spec.mms) {
      const mm = this.memory.addMm(m.name)
      this.seqs.mm.set(m.name, 0)
      for (const v of m.vmas) {
        const file = v.file === undefined ? undefined : this.memory.file(v.file)
        const anonVma = v.anon ? this.memory.newAnonVma() : undefined
        const vma = mm.insert({
          start: v.start,
          end: v.end,
          ...(file ? { file } : {}),
          ...(anonVma ? { anonVma } : {}),
        })
        if (isSimError(vma)) throw vma
        for (const p of v.mapped ?? []) this.mapFresh(mm, p)
        for (const p of v.tables ?? []) {
          const made = mm.pt.pteAlloc(p)
          if (isSimError(made)) throw made
        }
      }
    }
    this.tasks = spec.tasks.map((t, id) => ({
      id,
      name: t.name,
      mm: t.mm,
      program: t.program,
      pc: 0,
      status: "runnable",
      held: [],
      rcuDepth: 0,
      rcuEpoch: 0,
      wait: undefined,
      ptl: undefined,
    }))
  }

  /**
   * Builds the world of `spec`, or returns why it cannot: the `SimError` of `Validate.world`
   * (kind `InvalidWorld` or `InvalidProgram`, with the task, step and path). Nothing is built
   * from an invalid spec.
   */
  static make(spec: unknown): World | SimError {
    const valid = Validate.world(spec)
    return isSimError(valid) ? valid : new World(valid)
  }

  /** The physical frames (a read-only view: change the world through steps). */
  get frames(): Frames {
    return this.memory.frames
  }

  /** The address spaces by name (a read-only view: change the world through steps). */
  get mms(): ReadonlyMap<string, Mm> {
    return this.memory.mms
  }

  /** The files' address_spaces by name (a read-only view). */
  get files(): ReadonlyMap<string, Rmap.AddressSpace> {
    return this.memory.files
  }

  /** The memory, copied first if a clone still shares it: call before any write. */
  private writable(): Memory {
    if (this.memoryShared) {
      this.memory = this.memory.clone()
      this.memoryShared = false
    }
    this.memory.touch()
    return this.memory
  }

  /** Maps the named frame `pfn` at `vpn` (shared if already mapped); page-table pages refused. */
  private mapFrame(t: Task, mm: Mm, vpn: number, pfn: number): void {
    const frames = this.memory.frames
    const table = [...this.memory.mms.values()].some((m) => m.pt.tablePfns().includes(pfn))
    const err = table
      ? `pfn ${pfn} is a page-table page: it must never be mapped into user space`
      : frames.claim(pfn)?.message
    if (err !== undefined) {
      this.report(t, { kind: "misuse", rule: "P3", message: `installPte(${vpn}): ${err}` })
      return
    }
    mm.pt.install(vpn, Pte.make(pfn, Pte.PRESENT | Pte.USER))
    frames.put(pfn)
  }

  private mapFresh(mm: Mm, vpn: number): void {
    const frames = this.memory.frames
    const pfn = frames.alloc()
    mm.pt.install(vpn, Pte.make(pfn, Pte.PRESENT | Pte.USER))
    frames.put(pfn)
  }

  /** The semaphores by lock id (a read-only view: change them through steps). */
  get sems(): ReadonlyMap<string, Rwsem.Rwsem> {
    return this.semTable
  }

  /** The schedule so far: the task ids stepped, oldest first. */
  get trace(): ReadonlyArray<number> {
    const out = new Array<number>(this.stepCount)
    let n = this.steps
    for (let i = this.stepCount - 1; n !== undefined; i--, n = n.prev) out[i] = n.id
    return out
  }

  private record(id: number): void {
    this.steps = { id, prev: this.steps }
    this.stepCount++
  }

  /** Semaphore `id`, created on first use, and this world's own (copied if a clone shares it). */
  private sem(id: string): Rwsem.Rwsem {
    const s = this.semTable.get(id)
    if (s !== undefined && (this.semsOwned === undefined || this.semsOwned.has(id))) return s
    if (this.semTableShared) {
      this.semTable = new Map(this.semTable)
      this.semTableShared = false
    }
    const mine = s ? { ...s, readers: [...s.readers], waiters: [...s.waiters] } : Rwsem.make(id)
    this.semTable.set(id, mine)
    this.semsOwned?.add(id)
    return mine
  }

  /** The sequence counts, copied first if a clone still shares them: call before a write. */
  private writableSeqs(): World["seqs"] {
    if (this.seqsShared) {
      this.seqs = { mm: new Map(this.seqs.mm), vm: new Map(this.seqs.vm) }
      this.seqsShared = false
    }
    return this.seqs
  }

  private mmOf(t: Task): Mm {
    const mm = this.memory.mms.get(t.mm)
    // Unreachable: Validate.world rejects a task naming an unknown mm.
    if (mm === undefined)
      throw new SimError({ kind: "InvalidWorld", rule: "input", message: `unknown mm ${t.mm}` })
    return mm
  }

  /** The VMA covering `vpn` for task `t`: in the tree, or one the task detached itself. */
  private vmaAt(t: Task, vpn: number): Vma | undefined {
    return (
      this.mmOf(t).find(vpn) ??
      this.memory.detachedBy(t.id).find((v) => v.start <= vpn && vpn < v.end)
    )
  }

  /**
   * The lock of the PTE table `table` (by default the one mapping `vpn` now): its split lock,
   * keyed on the table page like pte_lockptr, or mm->page_table_lock without split locks (P9).
   * Undefined when no PTE table maps `vpn`.
   */
  private pteLockId(
    mm: string,
    vpn: number,
    table = this.memory.mms.get(mm)?.pt.pteTablePfn(vpn),
  ): string | undefined {
    if (!this.arch.splitPteLock) return `ptl:${mm}`
    return table === undefined ? undefined : `pte:${mm}:${table}`
  }

  /** The PTE lock task `t` holds for the PTE table span of `vpn`, if any. */
  private heldPte(t: Task, vpn: number): Held | undefined {
    const span = this.arch.ptrs.pte
    return t.held.find(
      (h) => h.kind === "pteLock" && Math.floor((h.vpn ?? -span) / span) === Math.floor(vpn / span),
    )
  }

  /**
   * The lock of the PMD table on the path of `vpn` (by default the one there now): its split
   * lock, keyed on the table page like pmd_lockptr, or mm->page_table_lock without split locks
   * (P9). Undefined when no PMD table is allocated there.
   */
  private pmdLockId(
    mm: string,
    vpn: number,
    table = this.memory.mms.get(mm)?.pt.pmdTablePfn(vpn),
  ): string | undefined {
    if (!this.arch.splitPmdLock) return `ptl:${mm}`
    return table === undefined ? undefined : `pmd:${mm}:${table}`
  }

  /**
   * Resolves a step's lock target to a lock id, its rule kind and its ordering class. A PTE
   * target names the lock the task already holds for that table span, else the lock of the
   * table mapping the address now; with `allocate` a missing table is allocated first (what
   * pte_alloc_map_lock does, in one step).
   */
  private resolve(
    t: Task,
    target: LockTarget,
    allocate = false,
  ):
    | {
        id: string
        kind: Rules.LockKind | "class"
        cls: Rules.LockClass | undefined
        table?: number
      }
    | string {
    switch (target.lock) {
      case "mmap":
        return { id: `mmap:${t.mm}`, kind: "mmap", cls: Rules.LockClassOf.mmap }
      case "anonVma": {
        const av = this.vmaAt(t, target.addr)?.anonVma
        if (av === undefined) return `no anon_vma at page ${target.addr}`
        return { id: `anon:${av.id}`, kind: "anonVma", cls: Rules.LockClassOf.anonVma }
      }
      case "iMmap":
        return { id: `immap:${target.file}`, kind: "iMmap", cls: Rules.LockClassOf.iMmap }
      case "pageTableLock":
        return { id: `ptl:${t.mm}`, kind: "pageTableLock", cls: Rules.LockClassOf.pageTableLock }
      case "pmd": {
        let pfn = this.mmOf(t).pt.pmdTablePfn(target.addr)
        if (pfn === undefined && allocate && this.arch.splitPmdLock) {
          const made = this.writable().mms.get(t.mm)?.pt.pmdAlloc(target.addr)
          if (isSimError(made)) return made.message
          pfn = made
        }
        const id = this.pmdLockId(t.mm, target.addr, pfn) ?? `pmd:${t.mm}:none@${target.addr}`
        return { id, kind: "pmdLock", cls: Rules.LockClassOf.pmdLock, ...table(pfn) }
      }
      case "pte": {
        const cls = Rules.LockClassOf.pteLock
        const mine = this.heldPte(t, target.addr)
        if (mine) return { id: mine.id, kind: "pteLock", cls, ...table(mine.table) }
        let pfn = this.mmOf(t).pt.pteTablePfn(target.addr)
        if (pfn === undefined && allocate) {
          const made = this.writable().mms.get(t.mm)?.pt.pteAlloc(target.addr)
          if (isSimError(made)) return made.message
          pfn = made
        }
        const id =
          this.pteLockId(t.mm, target.addr, pfn) ??
          `pte:${t.mm}:none@${Math.floor(target.addr / this.arch.ptrs.pte)}`
        return { id, kind: "pteLock", cls, ...table(pfn) }
      }
      case "class":
        return { id: `${target.cls}:${target.name}`, kind: "class", cls: target.cls }
    }
  }

  private holds(t: Task, id: string): "read" | "write" | undefined {
    return t.held.find((h) => h.id === id)?.mode
  }

  /** The lock state task `t` has for VMA `vma` and page `vpn`: the input of `Check.check`. */
  lockState(t: Task, vma: Vma | undefined, vpn: number | undefined): Rules.LockState {
    const state: { -readonly [K in Rules.LockKind]?: Rules.LockMode } = {}
    const mmap = this.holds(t, `mmap:${t.mm}`)
    if (mmap) state.mmap = mmap
    if (vma) {
      if (this.holds(t, `vma:${t.mm}:${vma.id}`)) state.vma = "read"
      if (mmap === "write" && this.seqs.vm.get(`${t.mm}:${vma.id}`) === this.seqs.mm.get(t.mm))
        state.vma = "write"
      const av = vma.anonVma && this.holds(t, `anon:${vma.anonVma.id}`)
      if (av) state.anonVma = av
      const im = vma.file && this.holds(t, `immap:${vma.file.name}`)
      if (im) state.iMmap = im
    }
    if (this.holds(t, `ptl:${t.mm}`)) state.pageTableLock = "held"
    if (vpn !== undefined) {
      const pmd = this.pmdLockId(t.mm, vpn)
      if (pmd !== undefined && this.holds(t, pmd)) state.pmdLock = "held"
      const pte = this.pteLockId(t.mm, vpn)
      if (pte !== undefined && this.holds(t, pte)) state.pteLock = "held"
    }
    if (t.rcuDepth > 0) state.rcu = "held"
    return state
  }

  private report(t: Task, v: Omit<Violation, "task" | "held" | "trace">): void {
    const violation = {
      ...v,
      task: t.name,
      held: t.held.map((h) => `${h.id} (${h.mode})`),
      trace: this.trace,
    }
    this.violations = [...this.violations, violation]
  }

  private checkRows(t: Task, verdicts: ReadonlyArray<Check.Verdict>): void {
    for (const v of verdicts)
      if (!v.ok) this.report(t, { kind: "rule", rule: v.rule, message: Check.explain(v) })
  }

  /** Lockdep: taking class `cls` while holding others (O1-O3). Reports each inversion once. */
  private checkOrder(t: Task, cls: Rules.LockClass | undefined, id: string): void {
    for (const message of this.lockdep.take(t.name, t.held, cls, id))
      this.report(t, { kind: "order", rule: "O3", message })
  }

  /** Tasks that can take a step now. */
  runnable(): Array<number> {
    return this.tasks.filter((t) => t.status === "runnable" || this.graceDone(t)).map((t) => t.id)
  }

  private graceDone(t: Task): boolean {
    if (t.status !== "blocked" || t.wait?.on !== "grace") return false
    return t.wait.readers.every(([id, epoch]) => {
      const r = this.tasks[id] as Task
      return r.rcuDepth === 0 || r.rcuEpoch !== epoch
    })
  }

  /** Have all tasks finished? */
  finished(): boolean {
    return this.tasks.every((t) => t.status === "done")
  }

  /** Runs one step of task `id` and returns what happened. */
  step(id: number): StepOutcome {
    const t = this.tasks[id]
    if (t === undefined || !(t.status === "runnable" || this.graceDone(t))) return "not-runnable"
    this.record(id)
    if (t.wait?.on === "grace") {
      t.wait = undefined
      t.status = "runnable"
      this.writable().frames.gracePeriod()
      t.pc++
      return this.afterStep(t)
    }
    const s = t.program[t.pc]
    if (s === undefined) return this.afterStep(t)
    const outcome = this.exec(t, s)
    if (outcome === "blocked") {
      this.deadlockCheck()
      return "blocked"
    }
    return this.afterStep(t)
  }

  private afterStep(t: Task): StepOutcome {
    if (t.pc < t.program.length) return "ran"
    t.status = "done"
    for (const h of t.held)
      this.report(t, {
        kind: "leak",
        rule: h.kind === "mmap" ? "L1" : "L10",
        message: `${t.name} ended holding ${h.id} (${h.mode})`,
      })
    if (t.rcuDepth > 0)
      this.report(t, {
        kind: "leak",
        rule: "P10",
        message: `${t.name} ended inside an RCU read section`,
      })
    this.deadlockCheck()
    return "done"
  }

  private jump(t: Task, label: string): void {
    const i = t.program.findIndex((s) => s.label === label)
    t.pc = i >= 0 ? i : t.program.length
  }

  private grant(waiters: ReadonlyArray<Rwsem.Waiter>): void {
    for (const w of waiters) {
      const t = this.tasks[w.task] as Task
      const wait = t.wait
      if (wait?.on !== "sem") continue
      t.wait = undefined
      t.status = "runnable"
      const s = t.program[t.pc]
      if (s?.op === "pteOffsetMapLock" && t.ptl) this.pteLocked(t, s)
      else t.pc++
      if (wait.after === "hold") t.held.push(wait.held)
      else {
        this.writableSeqs().vm.set(`${wait.mm}:${wait.vma}`, this.seqs.mm.get(wait.mm) ?? 0)
        const more = Rwsem.release(this.sem(wait.id), t.id, "write")
        if (Array.isArray(more)) this.grant(more)
      }
    }
  }

  /** Reports a misuse by the program and moves past the step (misuse never crashes the world). */
  private misuse(t: Task, rule: string, message: string): "ran" {
    this.report(t, { kind: "misuse", rule, message })
    t.pc++
    return "ran"
  }

  private exec(t: Task, s: Step): "ran" | "blocked" {
    const mm = this.mmOf(t)
    switch (s.op) {
      case "lock":
      case "trylock": {
        const r = this.resolve(t, s, true)
        if (typeof r === "string") return this.misuse(t, "L4", r)
        const mode = s.mode ?? "write"
        if (r.kind === "mmap") {
          const anyVmaRead = t.held.some((h) => h.kind === "vma")
          this.checkRows(t, [Check.check("mmapLock", anyVmaRead ? { vma: "read" } : {})])
        }
        const pte =
          r.kind === "pteLock" ? { vpn: (s as { addr: number }).addr, ...table(r.table) } : {}
        const held: Held = { id: r.id, kind: r.kind, cls: r.cls, mode, at: t.pc, ...pte }
        const got = Rwsem.acquire(this.sem(r.id), t.id, mode, s.op === "trylock")
        if (typeof got === "object") return this.misuse(t, "L10", got.misuse)
        if (got === "acquired") {
          if (s.op === "lock") this.checkOrder(t, r.cls, r.id)
          t.held.push(held)
          t.pc++
          return "ran"
        }
        if (s.op === "trylock") {
          this.jump(t, s.onFail)
          return "ran"
        }
        this.checkOrder(t, r.cls, r.id)
        t.status = "blocked"
        t.wait = { on: "sem", id: r.id, after: "hold", held }
        return "blocked"
      }
      case "unlock": {
        const r = this.resolve(t, s)
        if (typeof r === "string") return this.misuse(t, "L4", r)
        const mode = s.mode ?? "write"
        const released = Rwsem.release(this.sem(r.id), t.id, mode)
        t.pc++
        if (!Array.isArray(released)) {
          this.report(t, {
            kind: "misuse",
            rule: r.kind === "mmap" ? "L1" : "L10",
            message: released.misuse,
          })
          return "ran"
        }
        t.held = t.held.filter((h) => h.id !== r.id)
        if (r.kind === "mmap" && mode === "write") this.endVmaWrites(t.mm)
        this.grant(released)
        return "ran"
      }
      case "mmapWriteDowngrade": {
        const id = `mmap:${t.mm}`
        const r = Rwsem.downgrade(this.sem(id), t.id)
        t.pc++
        if (!Array.isArray(r)) {
          this.report(t, { kind: "misuse", rule: "V5", message: r.misuse })
          return "ran"
        }
        t.held = t.held.map((x) => (x.id === id ? { ...x, mode: "read" } : x))
        this.endVmaWrites(t.mm)
        this.grant(r)
        return "ran"
      }
      case "lockVmaUnderRcu": {
        const vma = mm.find(s.addr)
        const id = vma && `vma:${t.mm}:${vma.id}`
        const writeLocked =
          vma !== undefined && this.seqs.vm.get(`${t.mm}:${vma.id}`) === this.seqs.mm.get(t.mm)
        if (
          vma === undefined ||
          id === undefined ||
          writeLocked ||
          Rwsem.acquire(this.sem(id), t.id, "read", true) !== "acquired"
        ) {
          this.jump(t, s.onFail)
          return "ran"
        }
        t.held.push({ id, kind: "vma", cls: undefined, mode: "read", at: t.pc })
        t.pc++
        return "ran"
      }
      case "vmaEndRead": {
        const h = t.held.find(
          (x) =>
            x.kind === "vma" &&
            this.vmaAt(t, s.addr) !== undefined &&
            x.id === `vma:${t.mm}:${this.vmaAt(t, s.addr)?.id}`,
        )
        t.pc++
        if (h === undefined) {
          this.report(t, {
            kind: "misuse",
            rule: "L2",
            message: `vma_end_read(${s.addr}) without the VMA read lock`,
          })
          return "ran"
        }
        t.held = t.held.filter((x) => x !== h)
        const r = Rwsem.release(this.sem(h.id), t.id, "read")
        if (Array.isArray(r)) this.grant(r)
        return "ran"
      }
      case "vmaStartWrite": {
        const vma = this.vmaAt(t, s.addr)
        this.checkRows(t, [Check.check("vmaStartWrite", this.lockState(t, vma, s.addr))])
        if (vma === undefined) {
          this.report(t, { kind: "misuse", rule: "L3", message: `no VMA at page ${s.addr}` })
          t.pc++
          return "ran"
        }
        const id = `vma:${t.mm}:${vma.id}`
        this.checkOrder(t, Rules.LockClassOf.vma, id)
        const got = Rwsem.acquire(this.sem(id), t.id, "write")
        if (got === "blocked") {
          t.status = "blocked"
          t.wait = { on: "sem", id, after: "vmaSeq", mm: t.mm, vma: vma.id }
          return "blocked"
        }
        if (got === "acquired") {
          this.writableSeqs().vm.set(`${t.mm}:${vma.id}`, this.seqs.mm.get(t.mm) ?? 0)
          const r = Rwsem.release(this.sem(id), t.id, "write")
          if (Array.isArray(r)) this.grant(r)
        }
        t.pc++
        return "ran"
      }
      case "pteOffsetMapLock":
        return this.pteOffsetMapLock(t, mm, s)
      case "pteUnmapUnlock": {
        const h = this.heldPte(t, s.addr)
        if (h === undefined)
          return this.misuse(t, "P11", `pte_unmap_unlock(${s.addr}) without its PTE lock`)
        t.pc++
        t.held = t.held.filter((x) => x !== h)
        const r = Rwsem.release(this.sem(h.id), t.id, "write")
        if (t.rcuDepth === 0)
          this.report(t, {
            kind: "misuse",
            rule: "P10",
            message: `pte_unmap_unlock(${s.addr}) outside the RCU section of its pte_offset_map`,
          })
        else t.rcuDepth--
        if (Array.isArray(r)) this.grant(r)
        return "ran"
      }
      case "rcuReadLock":
        t.rcuDepth++
        t.rcuEpoch++
        t.pc++
        return "ran"
      case "rcuReadUnlock":
        if (t.rcuDepth === 0)
          this.report(t, {
            kind: "misuse",
            rule: "P10",
            message: "rcu_read_unlock outside an RCU read section",
          })
        else t.rcuDepth--
        t.pc++
        return "ran"
      case "synchronizeRcu": {
        const readers = this.tasks
          .filter((r) => r.id !== t.id && r.rcuDepth > 0)
          .map((r) => [r.id, r.rcuEpoch] as const)
        t.status = "blocked"
        t.wait = { on: "grace", readers }
        return "blocked"
      }
      case "do":
        this.perform(t, s)
        t.pc++
        return "ran"
      case "writeVma": {
        this.writable()
        const vma = this.vmaAt(t, s.addr)
        this.checkRows(t, [Check.check(Rules.VmaFields[s.field], this.lockState(t, vma, s.addr))])
        // Fields that place the VMA in the rmap trees move it there too (the kernel's
        // anon_vma_interval_tree_pre_update_vma / post_update_vma).
        const moves = Rules.VmaFields[s.field] === "writeVmStart"
        if (vma && moves) Rmap.unlink(vma)
        if (vma) writeField(vma, s.field, s.value)
        if (vma && moves) Rmap.link(vma)
        t.pc++
        return "ran"
      }
      case "findVma": {
        const vma = this.vmaAt(t, s.addr)
        this.checkRows(t, Check.checkAction("findVma", this.lockState(t, vma, s.addr)))
        if (vma === undefined) this.jump(t, s.onFail)
        else t.pc++
        return "ran"
      }
      case "goto":
        this.jump(t, s.to)
        return "ran"
      case "assertMapped": {
        const mapped = mm.pt.read(s.addr) !== 0
        if (mapped !== s.mapped)
          this.report(t, {
            kind: "assert",
            rule: "P4",
            message: `page ${s.addr} is ${mapped ? "" : "not "}mapped`,
          })
        t.pc++
        return "ran"
      }
    }
  }

  /**
   * pte_offset_map_lock (P11) in three steps, so other tasks can run between them: map (RCU
   * read lock, lockless read of the PMD entry: none or huge jumps to `onFail`), lock that
   * table's PTE lock (may wait), then re-read the PMD entry: if it no longer points at the
   * table locked, unlock, unmap and start again. Without `recheck` the second step ends it.
   */
  private pteOffsetMapLock(
    t: Task,
    mm: Mm,
    s: Extract<Step, { op: "pteOffsetMapLock" }>,
  ): "ran" | "blocked" {
    const ptl = t.ptl
    if (ptl === undefined) {
      const pfn = mm.pt.pteTablePfn(s.addr)
      if (pfn === undefined) {
        this.jump(t, s.onFail)
        return "ran"
      }
      t.rcuDepth++
      t.rcuEpoch++
      t.ptl = { table: pfn, locked: false }
      return "ran"
    }
    const id = this.pteLockId(t.mm, s.addr, ptl.table) as string
    if (!ptl.locked) {
      const held: Held = {
        id,
        kind: "pteLock",
        cls: Rules.LockClassOf.pteLock,
        mode: "write",
        at: t.pc,
        vpn: s.addr,
        table: ptl.table,
      }
      this.checkOrder(t, Rules.LockClassOf.pteLock, id)
      const got = Rwsem.acquire(this.sem(id), t.id, "write")
      if (typeof got === "object") {
        t.ptl = undefined
        t.rcuDepth--
        return this.misuse(t, "P11", got.misuse)
      }
      if (got === "blocked") {
        t.status = "blocked"
        t.wait = { on: "sem", id, after: "hold", held }
        return "blocked"
      }
      t.held.push(held)
      this.pteLocked(t, s)
      return "ran"
    }
    t.ptl = undefined
    if (mm.pt.pteTablePfn(s.addr) === ptl.table) {
      t.pc++
      return "ran"
    }
    // The PMD entry changed under us (the table was retracted or replaced): drop and retry.
    t.held = t.held.filter((h) => !(h.kind === "pteLock" && h.table === ptl.table))
    t.rcuDepth--
    const r = Rwsem.release(this.sem(id), t.id, "write")
    if (Array.isArray(r)) this.grant(r)
    return "ran"
  }

  /** The PTE lock of a pte_offset_map_lock is taken: the re-check comes next, if asked for. */
  private pteLocked(t: Task, s: Extract<Step, { op: "pteOffsetMapLock" }>): void {
    const table = t.ptl?.table as number
    if (s.recheck === false) {
      t.ptl = undefined
      t.pc++
    } else t.ptl = { table, locked: true }
  }

  /** V2: the mmap write lock ends every VMA write lock of the mm by bumping mm_lock_seq. */
  private endVmaWrites(mm: string): void {
    this.writableSeqs().mm.set(mm, (this.seqs.mm.get(mm) ?? 0) + 1)
  }

  private perform(t: Task, s: Extract<Step, { op: "do" }>): void {
    const memory = readOnlyActions.has(s.action) ? this.memory : this.writable()
    const mm = this.mmOf(t)
    const vma = this.vmaAt(t, s.addr)
    const stale = this.heldPte(t, s.addr)
    if (stale?.table !== undefined && stale.table !== mm.pt.pteTablePfn(s.addr))
      this.report(t, {
        kind: "rule",
        rule: "P11",
        message: `${s.action}(${s.addr}) under the lock of PTE table ${stale.table}, which the PMD entry no longer points at: pte_offset_map_lock must re-read the PMD entry after locking, and retry`,
      })
    this.checkRows(t, Check.checkAction(s.action, this.lockState(t, vma, s.addr)))
    const end = s.end ?? s.addr + 1
    switch (s.action) {
      case "installPte":
        if (vma === undefined)
          this.report(t, {
            kind: "rule",
            rule: "P3",
            message: `install at page ${s.addr}, which no VMA covers: the page leaks`,
          })
        if (mm.pt.read(s.addr) !== 0) return
        if (s.pfn === undefined) this.mapFresh(mm, s.addr)
        else this.mapFrame(t, mm, s.addr, s.pfn)
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
          this.report(t, { kind: "rule", rule: r.rule, message: `free_pgtables: ${r.message}` })
        return
      }
      case "movePageTables": {
        const r = mm.pt.moveTables(s.addr, s.to ?? s.addr, end - s.addr)
        if (r)
          this.report(t, { kind: "rule", rule: r.rule, message: `move_page_tables: ${r.message}` })
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

  /** When no task can run but some are not done: report the wait-for cycle (or the stall). */
  private deadlockCheck(): void {
    if (this.runnable().length > 0 || this.finished()) return
    if (this.violations.some((v) => v.kind === "deadlock")) return
    const waitsFor = (t: Task): Array<Task> => {
      if (t.wait?.on !== "sem") return []
      const sem = this.sem(t.wait.id)
      return this.tasks.filter((o) => o !== t && Rwsem.heldBy(sem, o.id) !== undefined)
    }
    const blocked = this.tasks.filter((t) => t.status === "blocked")
    for (const start of blocked) {
      const path: Array<Task> = []
      let cur: Task | undefined = start
      while (cur && !path.includes(cur)) {
        path.push(cur)
        cur = waitsFor(cur)[0]
      }
      if (cur) {
        const cycle = path.slice(path.indexOf(cur))
        const text = cycle
          .map((x) => `${x.name} waits for ${x.wait?.on === "sem" ? x.wait.id : "?"}`)
          .join(" -> ")
        this.report(start, {
          kind: "deadlock",
          rule: cycle.some((x) => x.held.some((h) => h.kind === "vma")) ? "L9" : "O3",
          message: `deadlock: ${text}`,
        })
        return
      }
    }
    const first = blocked[0]
    if (first)
      this.report(first, {
        kind: "deadlock",
        rule: "P10",
        message: `no task can run: ${blocked.map((b) => b.name).join(", ")} wait forever`,
      })
  }

  /**
   * A copy of the whole world (locks, tasks, checker history, and the memory: frames, page
   * tables, VMAs and rmap, shared until either side writes to it): the explorer branches with
   * it instead of replaying schedules.
   */
  clone(): World {
    const c = Object.create(World.prototype) as World
    // Held entries and waits are immutable: a task copy can share them. The rest is shared
    // until either world writes to it.
    const tasks = this.tasks.map((t) => ({ ...t, held: [...t.held] }))
    this.memoryShared = true
    this.seqsShared = true
    this.semTableShared = true
    this.semsOwned = new Set()
    Object.assign(c, this, { tasks, semsOwned: new Set(), lockdep: this.lockdep.fork() })
    return c
  }

  /**
   * Runs one step for task `id` outside its program, for an external driver such as the
   * Effect layer. Returns "jumped" when the step took its failure branch (a failed
   * lock_vma_under_rcu or trylock, find_vma finding nothing), and the `SimError` of
   * `Validate.step` for a malformed step (which then does not run).
   */
  act(id: number, input: Step): "ran" | "jumped" | "blocked" | SimError {
    const s = Validate.step(this.arch, input)
    if (isSimError(s)) return s
    const t = this.tasks[id]
    if (t === undefined || t.status === "blocked") return "blocked"
    const saved = { program: t.program, pc: t.pc }
    const mutable = t as { program: ReadonlyArray<Step> }
    mutable.program = [s]
    t.pc = 0
    this.record(id)
    const r = this.exec(t, s)
    const jumped = r === "ran" && t.pc !== 1
    mutable.program = saved.program
    t.pc = saved.pc
    if (r === "blocked") {
      this.deadlockCheck()
      return "blocked"
    }
    return jumped ? "jumped" : "ran"
  }

  /** Reports that a caller's invariant failed after task `id`'s step (the explorer uses it). */
  reportInvariant(id: number, message: string): void {
    const t = this.tasks[id]
    if (t) this.report(t, { kind: "assert", rule: "invariant", message })
  }

  /** Does task `id` hold a VMA read lock on the VMA at `vpn`? */
  vmaReadHeld(id: number, vpn: number): Vma | undefined {
    const t = this.tasks[id]
    const vma = t && this.vmaAt(t, vpn)
    return vma && t.held.some((h) => h.id === `vma:${t.mm}:${vma.id}`) ? vma : undefined
  }

  /** The VMA with id `vmaId` in task `id`'s mm (or detached by the task). */
  vmaById(id: number, vmaId: number): Vma | undefined {
    const t = this.tasks[id]
    return (
      t &&
      (this.mmOf(t).vmas.find((v) => v.id === vmaId) ??
        this.memory.detachedBy(id).find((v) => v.id === vmaId))
    )
  }

  /** The VMA covering `vpn` as task `id` sees it. */
  vmaFor(id: number, vpn: number): Vma | undefined {
    const t = this.tasks[id]
    return t && this.vmaAt(t, vpn)
  }

  /**
   * What task `id`'s next step touches, for the explorer's independence relation: the shared
   * resources it may change and those it only reads (a lock, `seq:<mm>` for the VMA sequence
   * counts, `mem` for frames, page tables and VMAs, `rcu` for read sections). Steps of two tasks
   * commute when neither changes a resource the other touches; lockdep's history is a growing
   * set of pairs, so the order in which two tasks add to it does not matter.
   */
  footprint(id: number): Footprint {
    const t = this.tasks[id]
    const s = t?.program[t.pc]
    if (t === undefined) return { reads: [], writes: [] }
    if (t.wait?.on === "grace") return { reads: ["rcu"], writes: ["mem"] }
    if (s === undefined) return { reads: [], writes: [] }
    const seq = `seq:${t.mm}`
    const vmaSem = (addr: number) => {
      const vma = this.vmaAt(t, addr)
      return vma ? [`vma:${t.mm}:${vma.id}`, seq] : [seq]
    }
    switch (s.op) {
      case "lock":
      case "trylock":
      case "unlock": {
        const r = this.resolve(t, s)
        const reads = s.lock === "anonVma" || s.lock === "pte" || s.lock === "pmd" ? ["mem"] : []
        if (typeof r === "string") return { reads, writes: [] }
        // Locking a PTE or PMD target allocates its table when none is there.
        const allocates =
          s.op !== "unlock" &&
          (r.kind === "pteLock" || (r.kind === "pmdLock" && this.arch.splitPmdLock)) &&
          r.table === undefined
        return {
          reads,
          writes: r.kind === "mmap" ? [r.id, seq] : allocates ? [r.id, "mem"] : [r.id],
        }
      }
      case "pteOffsetMapLock": {
        const table = t.ptl?.table ?? this.mmOf(t).pt.pteTablePfn(s.addr)
        const id = this.pteLockId(t.mm, s.addr, table)
        return { reads: ["mem"], writes: id === undefined ? ["rcu"] : [id, "rcu"] }
      }
      case "pteUnmapUnlock": {
        const h = this.heldPte(t, s.addr)
        return { reads: [], writes: h ? [h.id, "rcu"] : ["rcu"] }
      }
      case "mmapWriteDowngrade":
        return { reads: [], writes: [`mmap:${t.mm}`, seq] }
      case "lockVmaUnderRcu":
        return { reads: ["mem", seq], writes: vmaSem(s.addr) }
      case "vmaEndRead":
      case "vmaStartWrite":
        return { reads: ["mem"], writes: vmaSem(s.addr) }
      case "rcuReadLock":
      case "rcuReadUnlock":
        return { reads: [], writes: ["rcu"] }
      case "synchronizeRcu":
        return { reads: ["rcu"], writes: [] }
      case "do":
        return readOnlyActions.has(s.action)
          ? { reads: ["mem", seq], writes: [] }
          : { reads: [seq], writes: ["mem"] }
      case "writeVma":
        return { reads: [seq], writes: ["mem"] }
      case "findVma":
        return { reads: ["mem", seq], writes: [] }
      case "assertMapped":
        return { reads: ["mem"], writes: [] }
      case "goto":
        return { reads: [], writes: [] }
    }
  }

  /**
   * A deterministic digest of the state (for the explorer's state hashing). With `intern`, the
   * long parts (memory, lockdep history) appear as the small numbers it gives them, which keeps
   * the digest short and cheap to hash; without, they appear whole.
   */
  fingerprint(intern?: (part: string) => number): string {
    let out = ""
    for (const t of this.tasks) {
      out += `${t.pc}${t.status[0]}${t.rcuDepth}`
      if (t.ptl) out += `m${t.ptl.table}${t.ptl.locked ? "l" : ""}`
      for (const h of t.held) out += `,${h.id}${h.mode[0]}`
      // A grace period waits only for readers still in the section they were in when it began.
      if (t.wait?.on === "grace")
        for (const [id, epoch] of t.wait.readers) {
          const r = this.tasks[id] as Task
          if (r.rcuDepth > 0 && r.rcuEpoch === epoch) out += `,g${id}`
        }
      out += ";"
    }
    // Who holds a semaphore is in the tasks' held lists already; only wait queues (FIFO order
    // decides who gets it next) are added, by semaphore name whatever the creation order.
    if (this.semOrder.length !== this.semTable.size)
      this.semOrder = [...this.semTable.keys()].sort()
    for (const k of this.semOrder) {
      const sem = this.semTable.get(k) as Rwsem.Rwsem
      if (sem.waiters.length === 0) continue
      out += k
      for (const w of sem.waiters) out += `/${w.task}${w.mode[0]}`
      out += ";"
    }
    // Sequence counts matter only as "this VMA is write-locked": vm_lock_seq == mm_lock_seq.
    for (const [k, seq] of this.seqs.vm)
      if (seq === this.seqs.mm.get(k.slice(0, k.lastIndexOf(":")))) out += `w${k};`
    // The lockdep history is part of the state: it decides which inversions are still reported.
    const history = this.lockdep.history()
    const memory = this.memory.key()
    return intern ? `${out}|${intern(history)}|${intern(memory)}` : `${out}|${history}|${memory}`
  }
}

/**
 * Builds a world and replays `schedule` (a list of moves) on it. Like the constructor, throws
 * the `SimError` of an invalid spec (`World.make` and `Scheduler.run` return it instead).
 */
export const replay = (spec: WorldSpec, schedule: ReadonlyArray<number>): World => {
  const w = new World(spec)
  for (const id of schedule) w.step(id)
  return w
}
