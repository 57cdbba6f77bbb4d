/**
 * The simulated world as a state machine: address spaces, the locks with their kernel
 * semantics, and tasks that run one step at a time. `step(move)` is the only transition; the
 * scheduler, the explorer, the tutor and the Effect layer all drive it, so every run is
 * deterministic and replayable from its trace (the list of moves stepped, see `Move`).
 *
 * The world itself is a small state container (`world/State`) and a dispatcher: each step op
 * belongs to the module of one primitive under `world/` (mmap lock, VMA lock, rmap locks,
 * page-table locks, RCU, page-table operations, VMA writes), which holds its semantics, its
 * checks against core's rule table and its footprint. A broken rule, a lock inversion, a
 * misuse, a leak at task end or a deadlock becomes a `Violation`, never a throw.
 *
 * @since 0.1.0
 */
import type { Rules } from "@mmguard/core"
import type { Arch } from "./Arch.js"
import { x86_64 } from "./Arch.js"
import type { Frames } from "./Frames.js"
import type { Renaming } from "./Memory.js"
import type { Mm } from "./Mm.js"
import * as Move from "./Move.js"
import type { Step } from "./Program.js"
import type * as Rmap from "./Rmap.js"
import type * as Rwsem from "./Rwsem.js"
import { isSimError, type SimError } from "./SimError.js"
import type { Task } from "./Task.js"
import type { WorldSpec } from "./Validate.js"
import * as Validate from "./Validate.js"
import type { Vma } from "./Vma.js"
import * as Digest from "./world/Digest.js"
import * as Do from "./world/Do.js"
import * as Locking from "./world/Locking.js"
import * as MmapLock from "./world/MmapLock.js"
import * as PtFree from "./world/PtFree.js"
import * as PtLocks from "./world/PtLocks.js"
import * as PtOps from "./world/PtOps.js"
import * as Rcu from "./world/Rcu.js"
import * as RcuWalk from "./world/RcuWalk.js"
import * as RmapWalk from "./world/RmapWalk.js"
import { type Exec, type Footprint, State, type Violation } from "./world/State.js"
import * as VmaAttach from "./world/VmaAttach.js"
import * as VmaLock from "./world/VmaLock.js"
import * as VmaWrites from "./world/VmaWrites.js"

export type { Renaming } from "./Memory.js"
export type { VmaSetup, WorldSpec } from "./Validate.js"
export type { Footprint, Violation } from "./world/State.js"

/** What one step did. */
export type StepOutcome = "ran" | "blocked" | "done" | "not-runnable"

/** A step op's semantics and footprint, as the module that owns the op gives them. */
interface Handler<K extends Step["op"]> {
  readonly exec: (st: State, t: Task, s: Extract<Step, { op: K }>) => Exec
  readonly footprint: (st: State, t: Task, s: Extract<Step, { op: K }>) => Footprint
}

const nothing: Footprint = { reads: [], writes: [] }

/** The dispatch table: every step op to the handler of the primitive that owns it. */
const handlers: { readonly [K in Step["op"]]: Handler<K> } = {
  ...Locking.ops,
  ...MmapLock.ops,
  ...VmaLock.ops,
  ...PtLocks.ops,
  ...Rcu.ops,
  ...PtOps.ops,
  ...RcuWalk.ops,
  ...Do.ops,
  ...VmaWrites.ops,
  ...RmapWalk.ops,
  goto: {
    exec: (st, t, s) => {
      st.jump(t, s.to)
      return "ran"
    },
    footprint: () => nothing,
  },
}

const handler = (s: Step) => handlers[s.op] as Handler<Step["op"]>

/** What ends each kind of semaphore wait, by the module whose step slept in it. */
const resumers = {
  hold: Locking.resumeHold,
  vmaSeq: VmaLock.resumeWrite,
  vmaDetach: VmaAttach.resumeDetach,
  retry: PtFree.resumeRetry,
}

/** The simulated machine. */
export class World {
  private st: State

  /**
   * Builds the world of `spec`. The throwing form: a spec that `Validate.world` rejects throws
   * that `SimError` (never anything else); `World.make` returns it instead.
   */
  constructor(input: WorldSpec) {
    const spec = Validate.world(input)
    if (isSimError(spec)) throw spec
    const tasks: Array<Task> = spec.tasks.map((t, id) => ({
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
      vmaLookup: undefined,
      mapped: undefined,
      interrupted: undefined,
      walk: undefined,
      digest: undefined,
    }))
    const st = new State(spec.arch ?? x86_64, tasks, resumers)
    for (const m of spec.mms) {
      const mm = st.memory.addMm(m.name)
      st.seqs.addMm(m.name)
      for (const v of m.vmas) {
        const file = v.file === undefined ? undefined : st.memory.file(v.file)
        const anonVma = v.anon ? st.memory.newAnonVma() : undefined
        const vma = mm.insert({
          start: v.start,
          end: v.end,
          ...(v.pgoff === undefined ? {} : { pgoff: v.pgoff }),
          ...(file ? { file } : {}),
          ...(anonVma ? { anonVma } : {}),
        })
        if (isSimError(vma)) throw vma
        for (const p of v.mapped ?? []) PtOps.mapFresh(st.memory, mm, p)
        for (const p of v.tables ?? []) {
          const made = mm.pt.pteAlloc(p)
          if (isSimError(made)) throw made
        }
      }
    }
    this.st = st
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

  /** The architecture. */
  get arch(): Arch {
    return this.st.arch
  }

  /** The tasks (a read-only view: change them through steps). */
  get tasks(): ReadonlyArray<Task> {
    return this.st.tasks
  }

  /** Every violation so far, oldest first. */
  get violations(): ReadonlyArray<Violation> {
    return this.st.violations
  }

  /** The physical frames (a read-only view: change the world through steps). */
  get frames(): Frames {
    return this.st.memory.frames
  }

  /** The address spaces by name (a read-only view: change the world through steps). */
  get mms(): ReadonlyMap<string, Mm> {
    return this.st.memory.mms
  }

  /** The files' address_spaces by name (a read-only view). */
  get files(): ReadonlyMap<string, Rmap.AddressSpace> {
    return this.st.memory.files
  }

  /** The semaphores by lock id (a read-only view: change them through steps). */
  get sems(): ReadonlyMap<string, Rwsem.Rwsem> {
    return this.st.sems.view
  }

  /** The schedule so far: the moves stepped, oldest first. */
  get trace(): ReadonlyArray<number> {
    return this.st.trace
  }

  /** The lock state task `t` has for VMA `vma` and page `vpn`: the input of `Check.check`. */
  lockState(t: Task, vma: Vma | undefined, vpn: number | undefined): Rules.LockState {
    return this.st.lockState(t, vma, vpn)
  }

  /**
   * The moves possible now: the next step of each task that can take one, then a kill for each
   * task sleeping in a killable wait (`Move.KILL`, L11).
   */
  runnable(): Array<number> {
    const out: Array<number> = []
    let kills: Array<number> | undefined
    for (const t of this.st.tasks)
      if (t.status === "runnable" || Rcu.graceDone(this.st, t)) out.push(t.id)
      else if (VmaLock.killable(t)) {
        kills ??= []
        kills.push(Move.make(t.id, Move.KILL))
      }
    return kills === undefined ? out : out.concat(kills)
  }

  /** Can some task take its next step now (kill moves aside)? */
  private canStep(): boolean {
    return this.st.tasks.some((t) => t.status === "runnable" || Rcu.graceDone(this.st, t))
  }

  /** Have all tasks finished? */
  finished(): boolean {
    return this.st.tasks.every((t) => t.status === "done")
  }

  /** Makes move `move` (see `Move`) and returns what happened. */
  step(move: number): StepOutcome {
    const st = this.st
    if (Move.alt(move) === Move.KILL) {
      const k = st.own(Move.task(move))
      if (k === undefined || !VmaLock.kill(st, k)) return "not-runnable"
      st.record(move)
      return this.afterStep(k)
    }
    const peek = Move.alt(move) === Move.STEP ? st.tasks[move] : undefined
    if (peek === undefined || !(peek.status === "runnable" || Rcu.graceDone(st, peek)))
      return "not-runnable"
    const t = st.own(move) as Task
    st.record(move)
    if (t.wait?.on === "grace") {
      Rcu.endGrace(st, t)
      return this.afterStep(t)
    }
    const at = t.program[t.pc]
    if (at === undefined) return this.afterStep(t)
    const s = RmapWalk.translate(st, t, at)
    if (handler(s).exec(st, t, s) === "blocked") {
      this.deadlockCheck()
      return "blocked"
    }
    return this.afterStep(t)
  }

  private afterStep(t: Task): StepOutcome {
    if (t.pc < t.program.length) return "ran"
    t.status = "done"
    for (const h of t.held)
      this.st.report(t, {
        kind: "leak",
        rule: h.kind === "mmap" ? "L1" : "L10",
        message: `${t.name} ended holding ${h.id} (${h.mode})`,
      })
    Rcu.leakCheck(this.st, t)
    this.deadlockCheck()
    return "done"
  }

  private deadlockCheck(): void {
    Locking.deadlockCheck(this.st, this.canStep(), this.finished())
  }

  /**
   * A copy of the whole world (locks, tasks, checker history, and the memory: frames, page
   * tables, VMAs and rmap, shared until either side writes to it): the explorer branches with
   * it instead of replaying schedules.
   */
  clone(): World {
    const c = Object.create(World.prototype) as World
    c.st = this.st.clone()
    return c
  }

  /**
   * Runs one step for task `id` outside its program, for an external driver such as the
   * Effect layer. Returns "jumped" when the step took its failure branch (a failed
   * lock_vma_under_rcu or trylock, find_vma finding nothing), and the `SimError` of
   * `Validate.step` for a malformed step (which then does not run).
   */
  act(id: number, input: Step): "ran" | "jumped" | "blocked" | SimError {
    const valid = Validate.step(this.st.arch, input)
    if (isSimError(valid)) return valid
    // A failed step jumps to its onFail label. Labelling the step itself with it makes that
    // jump land on the step (pc 0), told apart from success (pc 1) below: "jumped".
    const s = "onFail" in valid ? { ...valid, label: valid.onFail } : valid
    const t = this.st.own(id)
    if (t === undefined || t.status === "blocked") return "blocked"
    const saved = { program: t.program, pc: t.pc }
    const mutable = t as { program: ReadonlyArray<Step> }
    mutable.program = [s]
    t.pc = 0
    this.st.record(id)
    let r = handler(s).exec(this.st, t, s)
    // A call of several steps (lock_vma_under_rcu, pte_offset_map_lock) runs to its end.
    while (r === "ran" && t.pc === 0 && (t.vmaLookup || t.ptl || t.mapped?.locked))
      r = handler(s).exec(this.st, t, s)
    const jumped = r === "ran" && t.pc !== 1
    mutable.program = saved.program
    t.pc = saved.pc
    if (r === "blocked") {
      this.deadlockCheck()
      return "blocked"
    }
    return jumped ? "jumped" : "ran"
  }

  /** Reports that a caller's invariant failed after move `move` (the explorer uses it). */
  reportInvariant(move: number, message: string): void {
    const t = this.st.tasks[Move.task(move)]
    if (t) this.st.report(t, { kind: "assert", rule: "invariant", message })
  }

  /** Does task `id` hold a VMA read lock on the VMA at `vpn`? */
  vmaReadHeld(id: number, vpn: number): Vma | undefined {
    const t = this.st.tasks[id]
    const vma = t && this.st.vmaAt(t, vpn)
    return vma && t.held.some((h) => h.id === VmaLock.lockId(vma)) ? vma : undefined
  }

  /** The VMA with id `vmaId` in task `id`'s mm (or detached by the task). */
  vmaById(id: number, vmaId: number): Vma | undefined {
    const t = this.st.tasks[id]
    return (
      t &&
      (this.st.mmOf(t).vmas.find((v) => v.id === vmaId) ??
        this.st.memory.detachedBy(id).find((v) => v.id === vmaId))
    )
  }

  /** The VMA covering `vpn` as task `id` sees it. */
  vmaFor(id: number, vpn: number): Vma | undefined {
    const t = this.st.tasks[id]
    return t && this.st.vmaAt(t, vpn)
  }

  /**
   * What move `move` touches, for the explorer's independence relation: the shared resources
   * it may change and those it only reads (a lock, `seq:<mm>` for the VMA sequence counts, `mem`
   * for frames, page tables and VMAs, `rcu` for read sections). Moves of two tasks commute when
   * neither changes a resource the other touches; lockdep's history is a growing set of pairs,
   * so the order in which two tasks add to it does not matter.
   */
  footprint(move: number): Footprint {
    const t = this.st.tasks[Move.task(move)]
    if (t === undefined) return nothing
    if (Move.alt(move) === Move.KILL) return VmaLock.killFootprint(t)
    if (t.wait?.on === "grace") return Rcu.graceFootprint
    const s = t.program[t.pc]
    if (s === undefined) return nothing
    return handler(s).footprint(this.st, t, RmapWalk.translate(this.st, t, s))
  }

  /**
   * A deterministic digest of the state (for the explorer's state hashing). With `intern`, the
   * long parts (memory, lockdep history) appear as the small numbers it gives them, which keeps
   * the digest short and cheap to hash; without, they appear whole. With `as`, the digest of
   * the world in which the tasks and pages are renamed by it (a symmetry, see `Symmetry`): the
   * digest the renamed schedule's world has. `parts`, if given, are this state's
   * `taskDigests()` (not computed twice).
   */
  fingerprint(
    intern?: (part: string) => number,
    as?: Renaming,
    parts?: ReadonlyArray<string>,
  ): string {
    return Digest.fingerprint(this.st, intern, as, parts)
  }

  /**
   * Each task's part of the fingerprint (where it is, what it holds and waits for), by id:
   * written to `into` when given (a caller's scratch array).
   */
  taskDigests(into?: Array<string>): Array<string> {
    return Digest.taskParts(this.st, into)
  }

  /** The leaf entry mapping page `vpn` of mm `mm` (0 when none), as fingerprints show it. */
  leafAt(mm: string, vpn: number): number {
    return this.st.memory.mms.get(mm)?.pt.leafAt(vpn) ?? 0
  }
}

/**
 * Builds a world and replays `schedule` (a list of moves) on it. Like the constructor, throws
 * the `SimError` of an invalid spec (`World.make` and `Scheduler.run` return it instead).
 */
export const replay = (spec: WorldSpec, schedule: ReadonlyArray<number>): World => {
  const w = new World(spec)
  for (const move of schedule) w.step(move)
  return w
}
