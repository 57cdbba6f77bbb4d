/**
 * The generic lock steps (lock, trylock, unlock) over every lock target, with the kernel's
 * rwsem semantics (L10), lockdep's order check (O1-O3) and misuse reports, and the deadlock
 * check over the wait-for graph. Which lock a target names, and what is special about it, is
 * the business of the lock's own module: this table maps each target kind to it.
 *
 * @since 0.2.0
 */
import type { LockTarget, Step } from "../Program.js"
import * as Rwsem from "../Rwsem.js"
import type { Held, Task, Wait } from "../Task.js"
import * as MmapLock from "./MmapLock.js"
import * as PtLocks from "./PtLocks.js"
import * as RcuWalk from "./RcuWalk.js"
import * as RmapLocks from "./RmapLocks.js"
import type { Exec, Footprint, State } from "./State.js"
import { type Resolved, type TargetHandler, type TargetHandlers, table } from "./Target.js"

/** The generic lock classes of O1/O2 (folio lock, i_rwsem, ...), named by the program. */
const classTarget = {
  resolve: (_st, _t, target) => ({
    id: `${target.cls}:${target.name}`,
    kind: "class",
    cls: target.cls,
  }),
  reads: [],
} satisfies TargetHandler<Extract<LockTarget, { lock: "class" }>>

/** Every lock target, by kind, to the module of its lock. */
const handlers: TargetHandlers = {
  ...MmapLock.targets,
  ...RmapLocks.targets,
  ...PtLocks.targets,
  class: classTarget,
}

const handler = (target: LockTarget) => handlers[target.lock] as TargetHandler<LockTarget>

/** Resolves a step's lock target for task `t` (see `TargetHandler.resolve`). */
export const resolve = (
  st: State,
  t: Task,
  target: LockTarget,
  allocate = false,
): Resolved | string => handler(target).resolve(st, t, target, allocate)

type LockStep = Extract<Step, { op: "lock" | "trylock" }>

/** lock / trylock: takes the lock, or sleeps for it (lock) or takes the failure branch (trylock). */
const lock = (st: State, t: Task, s: LockStep): Exec => {
  const h = handler(s)
  const r = h.resolve(st, t, s, true)
  if (typeof r === "string") return st.misuse(t, "L4", r)
  const mode = s.mode ?? "write"
  h.beforeLock?.(st, t)
  // PTE and anon_vma locks remember the page they were taken for (and a PTE lock its table).
  const addr = (s as { addr?: number }).addr
  const pte =
    r.kind === "pteLock"
      ? { vpn: addr as number, ...table(r.table) }
      : r.kind === "anonVma"
        ? { vpn: addr as number }
        : {}
  const held: Held = { id: r.id, kind: r.kind, cls: r.cls, mode, at: t.pc, ...pte }
  const got = Rwsem.acquire(st.sems.get(r.id), t.id, mode, s.op === "trylock")
  if (typeof got === "object") return st.misuse(t, "L10", got.misuse)
  if (got === "acquired") {
    if (s.op === "lock") st.checkOrder(t, r.cls, r.id)
    t.held = [...t.held, held]
    t.pc++
    return "ran"
  }
  if (s.op === "trylock") {
    st.jump(t, s.onFail)
    return "ran"
  }
  st.checkOrder(t, r.cls, r.id)
  t.status = "blocked"
  t.wait = { on: "sem", id: r.id, after: "hold", held }
  return "blocked"
}

/** unlock: releases the lock in its mode and wakes whom it grants (misuse: L1 / L10). */
const unlock = (st: State, t: Task, s: Extract<Step, { op: "unlock" }>): Exec => {
  const h = handler(s)
  const r = h.resolve(st, t, s, false)
  if (typeof r === "string") return st.misuse(t, "L4", r)
  const mode = s.mode ?? "write"
  const released = st.release(r.id, t.id, mode)
  t.pc++
  if (!Array.isArray(released)) {
    st.report(t, {
      kind: "misuse",
      rule: r.kind === "mmap" ? "L1" : "L10",
      message: released.misuse,
    })
    return "ran"
  }
  t.held = t.held.filter((x) => x.id !== r.id)
  h.afterUnlock?.(st, t, mode)
  st.grant(released)
  return "ran"
}

/**
 * A task that slept for a lock got it: it holds the lock and goes on. The multi-step calls
 * that sleep for a PTE lock (pte_offset_map_lock, the revalidating lock of an RCU walk) go on
 * to their PMD re-check instead of the next step.
 */
export const resumeHold = (
  _st: State,
  t: Task,
  wait: Extract<Wait, { on: "sem"; after: "hold" }>,
): void => {
  const s = t.program[t.pc]
  if (s === undefined || !(PtLocks.granted(t, s) || RcuWalk.granted(t, s))) t.pc++
  t.held = [...t.held, wait.held]
}

/** The footprint of a lock step: the lock, and what its module says the step also touches. */
const footprint = (
  st: State,
  t: Task,
  s: Extract<Step, { op: "lock" | "trylock" | "unlock" }>,
): Footprint => {
  const h = handler(s) as TargetHandler<LockTarget>
  const r = h.resolve(st, t, s, false)
  const reads = typeof h.reads === "function" ? h.reads(st, t, s) : h.reads
  if (typeof r === "string") return { reads, writes: [] }
  const more = h.writes?.(st, t, r, s.op !== "unlock") ?? []
  // Taking a lock shared when it is granted at once, or dropping a shared hold that wakes no
  // one, commutes with other such steps on the lock: they read it; the rest change it.
  const sem = st.sems.peek(r.id)
  const shared =
    (s.mode ?? "write") === "read" &&
    (s.op === "unlock"
      ? sem === undefined || sem.waiters.length === 0
      : sem === undefined || Rwsem.available(sem, "read"))
  if (shared) return { reads: [...reads, r.id], writes: more }
  return { reads, writes: more.length === 0 ? [r.id] : [r.id, ...more] }
}

/** The generic lock steps: semantics and footprints. */
export const ops = {
  lock: { exec: lock, footprint },
  trylock: { exec: lock, footprint },
  unlock: { exec: unlock, footprint },
}

/** When no task can run but some are not done: reports the wait-for cycle (or the stall). */
export const deadlockCheck = (st: State, canRun: boolean, finished: boolean): void => {
  if (canRun || finished) return
  if (st.violations.some((v) => v.kind === "deadlock")) return
  const waitsFor = (t: Task): Array<Task> => {
    if (t.wait?.on !== "sem") return []
    const sem = st.sems.get(t.wait.id)
    return st.tasks.filter((o) => o !== t && Rwsem.heldBy(sem, o.id) !== undefined)
  }
  const blocked = st.tasks.filter((t) => t.status === "blocked")
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
      st.report(start, {
        kind: "deadlock",
        rule: cycle.some((x) => x.held.some((h) => h.kind === "vma")) ? "L9" : "O3",
        message: `deadlock: ${text}`,
      })
      return
    }
  }
  const first = blocked[0]
  if (first)
    st.report(first, {
      kind: "deadlock",
      rule: "P10",
      message: `no task can run: ${blocked.map((b) => b.name).join(", ")} wait forever`,
    })
}
