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
import { Frames } from "./Frames.js"
import { Mm } from "./Mm.js"
import { Pte } from "./PageTable.js"
import type { LockTarget, Step, TaskSpec } from "./Program.js"
import * as Rmap from "./Rmap.js"
import * as Rwsem from "./Rwsem.js"
import { isSimError } from "./SimError.js"
import { type Vma, writeField } from "./Vma.js"

/** A VMA of the initial world, with the pages mapped in it. */
export interface VmaSetup {
  readonly start: number
  readonly end: number
  readonly file?: string
  readonly anon?: boolean
  readonly mapped?: ReadonlyArray<number>
}

/** The initial world: architecture, address spaces with their VMAs, and the tasks. */
export interface WorldSpec {
  readonly arch?: Arch
  readonly mms: ReadonlyArray<{ readonly name: string; readonly vmas: ReadonlyArray<VmaSetup> }>
  readonly tasks: ReadonlyArray<TaskSpec>
}

/** A lock a task holds. */
export interface Held {
  readonly id: string
  readonly kind: Rules.LockKind | "class"
  readonly cls: Rules.LockClass | undefined
  mode: "read" | "write"
  /** The step index that took it (for lockdep chains). */
  readonly at: number
}

/** What a blocked task is waiting for. */
type Wait =
  | { readonly on: "sem"; readonly id: string; readonly after: "hold"; readonly held: Held }
  | {
      readonly on: "sem"
      readonly id: string
      readonly after: "vmaSeq"
      readonly mm: string
      readonly vma: number
    }
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
  /** VMAs this task detached (munmap) and still works on. */
  detached: Array<Vma>
}

/** A reported problem: which rule, which task, what it held, and the trace that got there. */
export interface Violation {
  readonly kind: "rule" | "order" | "misuse" | "leak" | "deadlock" | "assert"
  readonly rule: string
  readonly task: string
  readonly message: string
  readonly held: ReadonlyArray<string>
  readonly trace: ReadonlyArray<number>
}

/** What one step did. */
export type StepOutcome = "ran" | "blocked" | "done" | "not-runnable"

const staticOrder = (() => {
  const before = new Map<Rules.LockClass, Set<Rules.LockClass>>()
  for (const rule of Rules.Ordering)
    for (const chain of rule.chains)
      for (let i = 0; i + 1 < chain.length; i++) {
        const a = chain[i] as Rules.LockClass
        const set = before.get(a) ?? new Set()
        set.add(chain[i + 1] as Rules.LockClass)
        before.set(a, set)
      }
  // Transitive closure: a -> every class that must be taken after a.
  const after = (a: Rules.LockClass, seen = new Set<Rules.LockClass>()): Set<Rules.LockClass> => {
    for (const b of before.get(a) ?? []) if (!seen.has(b)) after(b, seen.add(b))
    return seen
  }
  return new Map(Rules.LockClasses.map((c) => [c, after(c)]))
})()

/** Must class `a` be taken before class `b` by O1/O2 (transitively)? */
export const orderedBefore = (a: Rules.LockClass, b: Rules.LockClass): boolean =>
  staticOrder.get(a)?.has(b) ?? false

/** The simulated machine. */
export class World {
  readonly arch: Arch
  readonly frames = new Frames()
  readonly mms = new Map<string, Mm>()
  readonly files = new Map<string, Rmap.AddressSpace>()
  readonly sems = new Map<string, Rwsem.Rwsem>()
  readonly tasks: Array<Task>
  readonly mmLockSeq = new Map<string, number>()
  readonly vmLockSeq = new Map<string, number>()
  readonly trace: Array<number> = []
  readonly violations: Array<Violation> = []
  /** Lock-class pairs seen taken in order (a held while b taken), for lockdep (O3). */
  private readonly seen = new Map<string, string>()
  private nextAnon = 1

  constructor(spec: WorldSpec) {
    this.arch = spec.arch ?? x86_64
    for (const m of spec.mms) {
      const mm = new Mm(m.name, this.arch, this.frames)
      this.mms.set(m.name, mm)
      this.mmLockSeq.set(m.name, 0)
      for (const v of m.vmas) {
        const file = v.file === undefined ? undefined : this.file(v.file)
        const anonVma = v.anon ? Rmap.anonVma(this.nextAnon++) : undefined
        const vma = mm.insert({
          start: v.start,
          end: v.end,
          ...(file ? { file } : {}),
          ...(anonVma ? { anonVma } : {}),
        })
        if (isSimError(vma)) throw new Error(`bad world spec: ${vma.message}`)
        for (const p of v.mapped ?? []) this.mapFresh(mm, p)
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
      detached: [],
    }))
  }

  private file(name: string): Rmap.AddressSpace {
    const f = this.files.get(name) ?? Rmap.addressSpace(name)
    this.files.set(name, f)
    return f
  }

  private mapFresh(mm: Mm, vpn: number): void {
    const pfn = this.frames.alloc()
    mm.pt.install(vpn, Pte.make(pfn, Pte.PRESENT | Pte.USER))
    this.frames.put(pfn)
  }

  private sem(id: string): Rwsem.Rwsem {
    const s = this.sems.get(id) ?? Rwsem.make(id)
    this.sems.set(id, s)
    return s
  }

  private mmOf(t: Task): Mm {
    const mm = this.mms.get(t.mm)
    if (mm === undefined) throw new Error(`task ${t.name} names unknown mm ${t.mm}`)
    return mm
  }

  /** The VMA covering `vpn` for task `t`: in the tree, or one the task detached itself. */
  private vmaAt(t: Task, vpn: number): Vma | undefined {
    return this.mmOf(t).find(vpn) ?? t.detached.find((v) => v.start <= vpn && vpn < v.end)
  }

  private pteLockId(mm: string, vpn: number): string {
    return this.arch.splitPteLock
      ? `pte:${mm}:${Math.floor(vpn / this.arch.ptrs.pte)}`
      : `ptl:${mm}`
  }

  private pmdLockId(mm: string, vpn: number): string {
    return this.arch.splitPmdLock
      ? `pmd:${mm}:${Math.floor(vpn / (this.arch.ptrs.pte * this.arch.ptrs.pmd))}`
      : `ptl:${mm}`
  }

  /** Resolves a step's lock target to a lock id, its rule kind and its ordering class. */
  private resolve(
    t: Task,
    target: LockTarget,
  ): { id: string; kind: Rules.LockKind | "class"; cls: Rules.LockClass | undefined } | string {
    switch (target.lock) {
      case "mmap":
        return { id: `mmap:${t.mm}`, kind: "mmap", cls: "mmap_lock" }
      case "anonVma": {
        const av = this.vmaAt(t, target.addr)?.anonVma
        if (av === undefined) return `no anon_vma at page ${target.addr}`
        return { id: `anon:${av.id}`, kind: "anonVma", cls: "anon_vma_rwsem" }
      }
      case "iMmap":
        return { id: `immap:${target.file}`, kind: "iMmap", cls: "i_mmap_rwsem" }
      case "pageTableLock":
        return { id: `ptl:${t.mm}`, kind: "pageTableLock", cls: "page_table_lock" }
      case "pmd":
        return { id: this.pmdLockId(t.mm, target.addr), kind: "pmdLock", cls: "page_table_lock" }
      case "pte":
        return { id: this.pteLockId(t.mm, target.addr), kind: "pteLock", cls: "page_table_lock" }
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
      if (mmap === "write" && this.vmLockSeq.get(`${t.mm}:${vma.id}`) === this.mmLockSeq.get(t.mm))
        state.vma = "write"
      const av = vma.anonVma && this.holds(t, `anon:${vma.anonVma.id}`)
      if (av) state.anonVma = av
      const im = vma.file && this.holds(t, `immap:${vma.file.name}`)
      if (im) state.iMmap = im
    }
    if (this.holds(t, `ptl:${t.mm}`)) state.pageTableLock = "held"
    if (vpn !== undefined) {
      if (this.holds(t, this.pmdLockId(t.mm, vpn))) state.pmdLock = "held"
      if (this.holds(t, this.pteLockId(t.mm, vpn))) state.pteLock = "held"
    }
    if (t.rcuDepth > 0) state.rcu = "held"
    return state
  }

  private report(t: Task, v: Omit<Violation, "task" | "held" | "trace">): void {
    this.violations.push({
      ...v,
      task: t.name,
      held: t.held.map((h) => `${h.id} (${h.mode})`),
      trace: [...this.trace],
    })
  }

  private checkRows(t: Task, verdicts: ReadonlyArray<Check.Verdict>): void {
    for (const v of verdicts)
      if (!v.ok) this.report(t, { kind: "rule", rule: v.rule, message: Check.explain(v) })
  }

  /** Lockdep: taking class `cls` while holding others (O1-O3). Reports each inversion once. */
  private checkOrder(t: Task, cls: Rules.LockClass | undefined): void {
    if (cls === undefined) return
    for (const h of t.held) {
      if (h.cls === undefined || h.cls === cls) continue
      const key = `${h.cls}>${cls}`
      if (orderedBefore(cls, h.cls) && !this.seen.has(`!${key}`)) {
        this.seen.set(`!${key}`, t.name)
        this.report(t, {
          kind: "order",
          rule: "O3",
          message: `${cls} taken while holding ${h.cls}, but O1/O2 order ${cls} before ${h.cls}`,
        })
      }
      const reverse = this.seen.get(`${cls}>${h.cls}`)
      if (reverse !== undefined && !this.seen.has(`!${key}`) && !orderedBefore(h.cls, cls)) {
        this.seen.set(`!${key}`, t.name)
        this.report(t, {
          kind: "order",
          rule: "O3",
          message: `lock inversion: ${t.name} takes ${h.cls} then ${cls}; ${reverse} took ${cls} then ${h.cls}`,
        })
      }
      if (!this.seen.has(key)) this.seen.set(key, t.name)
    }
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
    if (t === undefined || !this.runnable().includes(id)) return "not-runnable"
    this.trace.push(id)
    if (t.wait?.on === "grace") {
      t.wait = undefined
      t.status = "runnable"
      this.frames.gracePeriod()
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
      t.pc++
      if (wait.after === "hold") t.held.push(wait.held)
      else {
        this.vmLockSeq.set(`${wait.mm}:${wait.vma}`, this.mmLockSeq.get(wait.mm) ?? 0)
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
        const r = this.resolve(t, s)
        if (typeof r === "string") return this.misuse(t, "L4", r)
        const mode = s.mode ?? "write"
        if (r.kind === "mmap") {
          const anyVmaRead = t.held.some((h) => h.kind === "vma")
          this.checkRows(t, [Check.check("mmapLock", anyVmaRead ? { vma: "read" } : {})])
        }
        const held: Held = { id: r.id, kind: r.kind, cls: r.cls, mode, at: t.pc }
        const got = Rwsem.acquire(this.sem(r.id), t.id, mode, s.op === "trylock")
        if (typeof got === "object") return this.misuse(t, "L10", got.misuse)
        if (got === "acquired") {
          if (s.op === "lock") this.checkOrder(t, r.cls)
          t.held.push(held)
          t.pc++
          return "ran"
        }
        if (s.op === "trylock") {
          this.jump(t, s.onFail)
          return "ran"
        }
        this.checkOrder(t, r.cls)
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
        const h = t.held.find((x) => x.id === id)
        if (h) h.mode = "read"
        this.endVmaWrites(t.mm)
        this.grant(r)
        return "ran"
      }
      case "lockVmaUnderRcu": {
        const vma = mm.find(s.addr)
        const id = vma && `vma:${t.mm}:${vma.id}`
        const writeLocked =
          vma !== undefined && this.vmLockSeq.get(`${t.mm}:${vma.id}`) === this.mmLockSeq.get(t.mm)
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
        this.checkOrder(t, "vma_lock")
        const id = `vma:${t.mm}:${vma.id}`
        const got = Rwsem.acquire(this.sem(id), t.id, "write")
        if (got === "blocked") {
          t.status = "blocked"
          t.wait = { on: "sem", id, after: "vmaSeq", mm: t.mm, vma: vma.id }
          return "blocked"
        }
        if (got === "acquired") {
          this.vmLockSeq.set(`${t.mm}:${vma.id}`, this.mmLockSeq.get(t.mm) ?? 0)
          const r = Rwsem.release(this.sem(id), t.id, "write")
          if (Array.isArray(r)) this.grant(r)
        }
        t.pc++
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
        this.perform(t, mm, s)
        t.pc++
        return "ran"
      case "writeVma": {
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

  /** V2: the mmap write lock ends every VMA write lock of the mm by bumping mm_lock_seq. */
  private endVmaWrites(mm: string): void {
    this.mmLockSeq.set(mm, (this.mmLockSeq.get(mm) ?? 0) + 1)
  }

  private perform(t: Task, mm: Mm, s: Extract<Step, { op: "do" }>): void {
    const vma = this.vmaAt(t, s.addr)
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
        if (mm.pt.read(s.addr) === 0) this.mapFresh(mm, s.addr)
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
        for (const v of t.detached.filter((d) => d.start < end && s.addr < d.end)) Rmap.unlink(v)
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
        if (vma && vma.anonVma === undefined) vma.anonVma = Rmap.anonVma(this.nextAnon++)
        return
      case "clearAnonVma":
        if (vma) vma.anonVma = undefined
        return
      case "detachVma":
        if (vma && mm.detach(vma) === undefined) t.detached.push(vma)
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
   * A deep copy of the whole world (frames, page tables, VMAs and rmap, locks, tasks, checker
   * history): the explorer branches with it instead of replaying schedules.
   */
  clone(): World {
    const c = Object.create(World.prototype) as World
    const frames = this.frames.clone()
    const files = new Map<Rmap.AddressSpace, Rmap.AddressSpace>()
    const anons = new Map<Rmap.AnonVma, Rmap.AnonVma>()
    const vmas = new Map<Vma, Vma>()
    const copyVma = (v: Vma): Vma => {
      const known = vmas.get(v)
      if (known) return known
      const file = v.file && (files.get(v.file) ?? Rmap.addressSpace(v.file.name))
      if (v.file && file) files.set(v.file, file)
      const anon = v.anonVma && (anons.get(v.anonVma) ?? Rmap.anonVma(v.anonVma.id))
      if (v.anonVma && anon) anons.set(v.anonVma, anon)
      const copy: Vma = { ...v, file, anonVma: anon, extra: { ...v.extra } }
      vmas.set(v, copy)
      return copy
    }
    const mms = new Map([...this.mms].map(([k, m]) => [k, m.clone(frames, copyVma)] as const))
    const tasks = this.tasks.map((t) => ({
      ...t,
      held: t.held.map((h) => ({ ...h })),
      wait:
        t.wait?.on === "sem" && t.wait.after === "hold"
          ? { ...t.wait, held: { ...t.wait.held } }
          : t.wait,
      detached: t.detached.map(copyVma),
    }))
    // Rebuild the rmap trees in the same order, pointing at the copies.
    for (const [from, to] of files) for (const v of from.iMmap.items()) to.iMmap.insert(copyVma(v))
    for (const [from, to] of anons) for (const v of from.vmas.items()) to.vmas.insert(copyVma(v))
    Object.assign(c, this, {
      frames,
      mms,
      files: new Map(
        [...this.files].map(([k, f]) => [k, files.get(f) ?? Rmap.addressSpace(f.name)] as const),
      ),
      sems: new Map(
        [...this.sems].map(
          ([k, s]) => [k, { ...s, readers: [...s.readers], waiters: [...s.waiters] }] as const,
        ),
      ),
      tasks,
      mmLockSeq: new Map(this.mmLockSeq),
      vmLockSeq: new Map(this.vmLockSeq),
      trace: [...this.trace],
      violations: [...this.violations],
      seen: new Map(this.seen),
    })
    return c
  }

  /**
   * Runs one step for task `id` outside its program, for an external driver such as the
   * Effect layer. Returns "jumped" when the step took its failure branch (a failed
   * lock_vma_under_rcu or trylock, find_vma finding nothing).
   */
  act(id: number, s: Step): "ran" | "jumped" | "blocked" {
    const t = this.tasks[id]
    if (t === undefined || t.status === "blocked") return "blocked"
    const saved = { program: t.program, pc: t.pc }
    const mutable = t as { program: ReadonlyArray<Step> }
    mutable.program = [s]
    t.pc = 0
    this.trace.push(id)
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
      t && (this.mmOf(t).vmas.find((v) => v.id === vmaId) ?? t.detached.find((v) => v.id === vmaId))
    )
  }

  /** The VMA covering `vpn` as task `id` sees it. */
  vmaFor(id: number, vpn: number): Vma | undefined {
    const t = this.tasks[id]
    return t && this.vmaAt(t, vpn)
  }

  /** A deterministic digest of the state (for the explorer's state hashing). */
  fingerprint(): string {
    const tasks = this.tasks.map((t) => [
      t.pc,
      t.status,
      t.held.map((h) => h.id + h.mode),
      t.rcuDepth,
    ])
    const sems = [...this.sems].map(([k, s]) => [
      k,
      s.writer,
      s.readers,
      s.waiters.map((w) => w.task),
    ])
    const mms = [...this.mms].map(([k, m]) => [
      k,
      m.pt.entries(),
      m.vmas.map((v) => [v.start, v.end, v.flags, v.anonVma?.id]),
    ])
    // The lockdep history is part of the state: it decides which inversions are still reported.
    const history = [...this.seen.keys()].sort()
    return JSON.stringify([
      tasks,
      sems,
      mms,
      [...this.mmLockSeq],
      [...this.vmLockSeq],
      this.frames.inUse,
      history,
    ])
  }
}

/** Builds a world and replays `schedule` (a list of task ids) on it. */
export const replay = (spec: WorldSpec, schedule: ReadonlyArray<number>): World => {
  const w = new World(spec)
  for (const id of schedule) w.step(id)
  return w
}
