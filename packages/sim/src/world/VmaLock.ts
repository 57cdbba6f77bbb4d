/**
 * The per-VMA lock as the kernel implements it since 6.15 (L2, L3, L11, V1-V4, V8): its state
 * (mm_lock_seq per mm, vm_lock_seq per VMA, and vm_refcnt), its steps (lock_vma_under_rcu,
 * vma_start_read_locked, vma_end_read, vma_start_write and vma_start_write_killable), their
 * checks against core's rule table and their footprints.
 *
 * vm_refcnt is the VMA's semaphore in the lock table: each reader reference is a read hold,
 * and a writer waiting for readers is a queued write, which, like the writer bit, makes new
 * readers fail. Being attached is being in the mm's tree (see VmaAttach). A VMA is
 * write-locked exactly when its vm_lock_seq equals its mm's mm_lock_seq (V1); the mmap lock
 * ends every VMA write lock of the mm at once by bumping mm_lock_seq (V2, see MmapLock).
 *
 * @since 0.2.0
 */
import { Check, Rules } from "@mmguard/core"
import type { Step } from "../Program.js"
import * as Rwsem from "../Rwsem.js"
import type { Task, Wait } from "../Task.js"
import type { Vma } from "../Vma.js"
import { type Exec, type Footprint, res, type State } from "./State.js"

/**
 * The sequence counts of V1: mm_lock_seq per mm, and vm_lock_seq per VMA object with the mm
 * that set it. A count set by another mm never reads as write-locked here: the kernel's early
 * check could match it by coincidence, but the reader's re-check of vm_mm catches that anyway
 * (V7), and keeping it out lets state digests abstract the counts to "write-locked?".
 */
export class VmaSeqs {
  private mm = new Map<string, number>()
  private vm = new Map<number, { readonly mm: string; readonly seq: number }>()
  private shared = false
  /** The digest, until the next write (`own`). */
  private cached: string | undefined

  /** Copies the maps first if a fork still shares them; every write calls it first. */
  private own(): void {
    this.cached = undefined
    if (!this.shared) return
    this.mm = new Map(this.mm)
    this.vm = new Map(this.vm)
    this.shared = false
  }

  /** A new mm starts at mm_lock_seq 0. */
  addMm(mm: string): void {
    this.own()
    this.mm.set(mm, 0)
  }

  /** Is VMA object `vma` write-locked for `mm` (vm_lock_seq == mm_lock_seq, V1)? */
  writeLocked(mm: string, vma: number): boolean {
    const v = this.vm.get(vma)
    return v !== undefined && v.mm === mm && v.seq === this.mm.get(mm)
  }

  /** vma_start_write's last step: vm_lock_seq = mm_lock_seq of `mm` (V4). */
  lock(mm: string, vma: number): void {
    this.own()
    this.vm.set(vma, { mm, seq: this.mm.get(mm) ?? 0 })
  }

  /** vma_end_write_all: bumps mm_lock_seq, ending every VMA write lock of `mm` (V2). */
  endAll(mm: string): void {
    this.own()
    this.mm.set(mm, (this.mm.get(mm) ?? 0) + 1)
  }

  /** The write-locked VMAs (the counts matter only as "write-locked"), for state digests. */
  digest(): string {
    if (this.cached !== undefined) return this.cached
    let out = ""
    for (const [id, v] of this.vm) if (v.seq === this.mm.get(v.mm)) out += `w${v.mm}:${id};`
    this.cached = out
    return out
  }

  /** A copy for a cloned world, sharing the maps until either side writes. */
  fork(): VmaSeqs {
    this.shared = true
    const c = Object.create(VmaSeqs.prototype) as VmaSeqs
    c.mm = this.mm
    c.vm = this.vm
    c.shared = true
    c.cached = this.cached
    return c
  }
}

/**
 * The lock id of the VMA lock (vm_refcnt) of VMA object `vma`. It names the object, not the
 * mm: a freed object reused by another mm keeps its vm_refcnt, so a reader still holding a
 * reference from before the reuse holds up that mm's writers too (V7).
 */
export const lockId = (vma: Vma | number): string => `vma:${typeof vma === "number" ? vma : vma.id}`

/** The VMA object `id` if it is attached to task `t`'s mm (in its tree), else undefined. */
export const attached = (st: State, t: Task, id: number): Vma | undefined =>
  st.mmOf(t).vmas.find((v) => v.id === id)

/** Is VMA object `id` attached to any mm (a freed object may be reused by another mm, V7)? */
const attachedAnywhere = (st: State, id: number): boolean => {
  for (const mm of st.memory.mms.values()) if (mm.vmas.some((v) => v.id === id)) return true
  return false
}

/** The VMA lock mode task `t` has on `vma`, for its lock state (write needs the mmap write lock). */
export const mode = (
  st: State,
  t: Task,
  vma: Vma,
  mmap: "read" | "write" | undefined,
): "read" | "write" | undefined => {
  if (mmap === "write" && st.seqs.writeLocked(t.mm, vma.id)) return "write"
  return st.holds(t, lockId(vma)) ? "read" : undefined
}

type Op<K extends Step["op"]> = Extract<Step, { op: K }>

/** The read lock of VMA object `vma`, looked up for page `vpn`, is now held by `t`. */
const holdRead = (t: Task, vma: number, vpn: number): void => {
  t.held = [
    ...t.held,
    { id: lockId(vma), kind: "vma", cls: undefined, mode: "read", at: t.pc, vpn, vma },
  ]
}

/**
 * vma_start_read's reference (V3): fails on a detached VMA or while a writer has marked
 * vm_refcnt (a queued write); otherwise raises the count, even when the object is now attached
 * to another mm (the re-check after it finds that, V7). Returns whether it did.
 */
const raiseRef = (st: State, t: Task, vma: number): boolean =>
  attachedAnywhere(st, vma) &&
  Rwsem.acquire(st.sems.get(lockId(vma)), t.id, "read", true) === "acquired"

/** lock_vma_under_rcu failed: it drops what it took, leaves RCU and takes `onFail`. */
const lookupFailed = (st: State, t: Task, s: Op<"lockVmaUnderRcu">, ref?: number): Exec => {
  if (ref !== undefined) {
    const r = st.release(lockId(ref), t.id, "read")
    if (Array.isArray(r)) st.grant(r)
  }
  t.vmaLookup = undefined
  t.rcuDepth--
  st.jump(t, s.onFail)
  return "ran"
}

/**
 * lock_vma_under_rcu (L2, V3, V7) in three steps, so other tasks can run between them: enter
 * RCU and look the VMA up in the mm's tree; vma_start_read raises its vm_refcnt (fails when the
 * object is detached or a writer marked it); then check vm_lock_seq (write-locked: drop and
 * fail) and re-check that the object still belongs to this mm and covers the address (it may
 * have been freed and reused meanwhile, V7: drop and fail). Every failure leaves RCU and jumps
 * to `onFail`, the mmap_read_lock fallback. Without `recheck` the last re-check is skipped.
 */
const lockVmaUnderRcu = (st: State, t: Task, s: Op<"lockVmaUnderRcu">): Exec => {
  const look = t.vmaLookup
  if (look === undefined) {
    t.rcuDepth++
    t.rcuEpoch++
    const vma = st.mmOf(t).find(s.addr)
    if (vma === undefined) return lookupFailed(st, t, s)
    t.vmaLookup = { vma: vma.id, ref: false }
    return "ran"
  }
  if (!look.ref) {
    if (!raiseRef(st, t, look.vma)) return lookupFailed(st, t, s)
    t.vmaLookup = { vma: look.vma, ref: true }
    return "ran"
  }
  if (st.seqs.writeLocked(t.mm, look.vma)) return lookupFailed(st, t, s, look.vma)
  const now = attached(st, t, look.vma)
  if (s.recheck !== false && (now === undefined || s.addr < now.start || s.addr >= now.end))
    return lookupFailed(st, t, s, look.vma)
  holdRead(t, look.vma, s.addr)
  t.vmaLookup = undefined
  t.rcuDepth--
  t.pc++
  return "ran"
}

/**
 * vma_start_read_locked (V8): a VMA read lock for a caller holding the mmap read lock (checked
 * against its row). It does not fail from contention (no writer can run under the mmap read
 * lock) but can fail otherwise (a detached VMA): the result goes to `onFail`.
 */
const vmaStartReadLocked = (st: State, t: Task, s: Op<"vmaStartReadLocked">): Exec => {
  const vma = st.vmaAt(t, s.addr)
  st.checkRows(t, [Check.check("vmaStartReadLocked", st.lockState(t, vma, s.addr))])
  if (vma === undefined || !raiseRef(st, t, vma.id)) {
    st.jump(t, s.onFail)
    return "ran"
  }
  holdRead(t, vma.id, s.addr)
  t.pc++
  return "ran"
}

/** vma_end_read: drops the VMA read lock taken for `addr` (a misuse without it, L2). */
const vmaEndRead = (st: State, t: Task, s: Op<"vmaEndRead">): Exec => {
  const vma = st.vmaAt(t, s.addr)
  const h = t.held.find(
    (x) => x.kind === "vma" && (x.vpn === s.addr || (vma !== undefined && x.id === lockId(vma))),
  )
  t.pc++
  if (h === undefined) {
    st.report(t, {
      kind: "misuse",
      rule: "L2",
      message: `vma_end_read(${s.addr}) without the VMA read lock`,
    })
    return "ran"
  }
  t.held = t.held.filter((x) => x !== h)
  const r = st.release(h.id, t.id, "read")
  if (Array.isArray(r)) st.grant(r)
  return "ran"
}

/**
 * vma_start_write and vma_start_write_killable (L3, L11, V4): checked against the L3 row; sets
 * the writer mark, waits for the VMA's readers, then sets vm_lock_seq = mm_lock_seq (the
 * semaphore is only held while waiting, like the writer bit).
 */
const startWrite = (st: State, t: Task, s: Op<"vmaStartWrite" | "vmaStartWriteKillable">): Exec => {
  const vma = st.vmaAt(t, s.addr)
  st.checkRows(t, [Check.check("vmaStartWrite", st.lockState(t, vma, s.addr))])
  if (vma === undefined) {
    st.report(t, { kind: "misuse", rule: "L3", message: `no VMA at page ${s.addr}` })
    t.pc++
    return "ran"
  }
  const id = lockId(vma)
  st.checkOrder(t, Rules.LockClassOf.vma, id)
  if (st.seqs.writeLocked(t.mm, vma.id)) {
    t.pc++
    return "ran"
  }
  const killable = s.op === "vmaStartWriteKillable" ? { killable: true } : {}
  const wait = { on: "sem", id, after: "vmaSeq", mm: t.mm, vma: vma.id, ...killable } as const
  const got = excludeReaders(st, t, id, wait)
  if (got === "blocked") return "blocked"
  if (got === "excluded") {
    st.seqs.lock(t.mm, vma.id)
    if (t.interrupted === vma.id) t.interrupted = undefined
    clearMark(st, t, id)
  }
  t.pc++
  return "ran"
}

/**
 * Marks vm_refcnt of the VMA with lock `id` for a writer and waits for its readers (V4, V7):
 * "excluded" when none is left (the caller acts, then `clearMark`), "blocked" when the task now
 * sleeps in `wait`, or the misuse of a task that itself holds a reference.
 */
export const excludeReaders = (
  st: State,
  t: Task,
  id: string,
  wait: Extract<Wait, { on: "sem" }>,
): "excluded" | "blocked" | { readonly misuse: string } => {
  const got = Rwsem.acquire(st.sems.get(id), t.id, "write")
  if (typeof got === "object") return got
  if (got === "acquired") return "excluded"
  t.status = "blocked"
  t.wait = wait
  return "blocked"
}

/** Clears the writer's mark on vm_refcnt: readers may take references again. */
export const clearMark = (st: State, t: Task, id: string): void => {
  const r = st.release(id, t.id, "write")
  if (Array.isArray(r)) st.grant(r)
}

/** A vma_start_write that waited for readers is granted: the VMA is now write-locked (V4). */
export const resumeWrite = (
  st: State,
  t: Task,
  wait: Extract<Wait, { on: "sem"; after: "vmaSeq" }>,
): void => {
  t.pc++
  st.seqs.lock(wait.mm, wait.vma)
  if (t.interrupted === wait.vma) t.interrupted = undefined
  clearMark(st, t, wait.id)
}

/** Is task `t` asleep in a killable wait (vma_start_write_killable, L11)? */
export const killable = (t: Task): boolean =>
  t.status === "blocked" &&
  t.wait?.on === "sem" &&
  t.wait.after === "vmaSeq" &&
  t.wait.killable === true

/**
 * A fatal signal ends task `t`'s vma_start_write_killable (L11): it leaves the wait queue
 * (whoever it held back may go on), the VMA is not write-locked, and the call returns -EINTR:
 * the step's `onFail` is taken, or, when the program ignores the result, the next step. The
 * mmap write lock and earlier VMA write locks stay as they are.
 */
export const kill = (st: State, t: Task): boolean => {
  const wait = t.wait
  if (!killable(t) || wait?.on !== "sem" || wait.after !== "vmaSeq") return false
  const sem = st.sems.get(wait.id)
  sem.waiters = sem.waiters.filter((w) => w.task !== t.id)
  t.wait = undefined
  t.status = "runnable"
  t.interrupted = wait.vma
  const s = t.program[t.pc]
  if (s?.op === "vmaStartWriteKillable" && s.onFail !== undefined) st.jump(t, s.onFail)
  else t.pc++
  st.grant(Rwsem.wake(sem))
  return true
}

/** What a kill move touches: the wait queue it leaves (and the waiters it may let go on). */
export const killFootprint = (t: Task): Footprint =>
  t.wait?.on === "sem"
    ? { reads: [], writes: [t.wait.id, res.seq(t.mm)] }
    : { reads: [], writes: [] }

/**
 * What dropping a reader's reference on the VMA lock `id` of object `vma` touches: with a
 * writer waiting, the lock and that VMA's vm_lock_seq (the writer may be let go on and set it);
 * otherwise it only reads the lock (it commutes with other readers).
 */
const dropRef = (st: State, t: Task, id: string, vma: number | undefined): Footprint =>
  (st.sems.peek(id)?.waiters.length ?? 0) > 0
    ? { reads: [], writes: [id, res.seq(t.mm, vma)] }
    : { reads: [id], writes: [] }

/** Joins two footprints (`a`'s resources first). */
const join = (a: Footprint, b: Footprint): Footprint => ({
  reads: a.reads.concat(b.reads),
  writes: a.writes.concat(b.writes),
})

/**
 * lock_vma_under_rcu's three steps: the lookup reads the tree and enters RCU; vma_start_read
 * is a read trylock (it commutes with other readers, not with a writer's mark); the last step
 * reads vm_lock_seq and the tree, and on failure drops the reference.
 */
const lookupFootprint = (st: State, t: Task): Footprint => {
  const look = t.vmaLookup
  const base = { reads: [res.vmas(t.mm)], writes: [res.rcu(t)] }
  if (look === undefined) return base
  const id = lockId(look.vma)
  if (!look.ref) return join(base, { reads: [id], writes: [] })
  base.reads.push(res.seq(t.mm, look.vma))
  return join(base, dropRef(st, t, id, look.vma))
}

/** vma_start_read_locked: the lock state, the tree, and a read trylock. */
const startReadLockedFootprint = (st: State, t: Task, s: Op<"vmaStartReadLocked">): Footprint => {
  const vma = st.vmaAt(t, s.addr)
  const reads = [res.vmas(t.mm), res.pmdEntry(st, t.mm, s.addr), ...res.lockStateSeqs(t)]
  return { reads: vma ? [...reads, lockId(vma)] : reads, writes: [] }
}

/** vma_end_read: the tree (to find the hold), and dropping the reference. */
const endReadFootprint = (st: State, t: Task, s: Op<"vmaEndRead">): Footprint => {
  const vma = st.vmaAt(t, s.addr)
  const h = t.held.find(
    (x) => x.kind === "vma" && (x.vpn === s.addr || (vma !== undefined && x.id === lockId(vma))),
  )
  const reads = { reads: [res.vmas(t.mm)], writes: [] }
  if (h === undefined) return reads
  return join(reads, dropRef(st, t, h.id, h.vma))
}

/**
 * vma_start_write(_killable): the lock state (all of mm_lock_seq under the mmap write lock) and
 * the tree; it marks the lock (or queues on it) and sets that VMA's vm_lock_seq.
 */
const startWriteFootprint = (
  st: State,
  t: Task,
  s: Op<"vmaStartWrite" | "vmaStartWriteKillable">,
): Footprint => {
  const vma = st.vmaAt(t, s.addr)
  const reads = [res.vmas(t.mm), res.pmdEntry(st, t.mm, s.addr), res.seq(t.mm)]
  if (vma === undefined) return { reads, writes: [] }
  return { reads, writes: [lockId(vma), res.seq(t.mm, vma.id)] }
}

/** The VMA lock's steps: semantics and footprints. */
export const ops = {
  lockVmaUnderRcu: { exec: lockVmaUnderRcu, footprint: lookupFootprint },
  vmaStartReadLocked: { exec: vmaStartReadLocked, footprint: startReadLockedFootprint },
  vmaEndRead: { exec: vmaEndRead, footprint: endReadFootprint },
  vmaStartWrite: { exec: startWrite, footprint: startWriteFootprint },
  vmaStartWriteKillable: { exec: startWrite, footprint: startWriteFootprint },
}
