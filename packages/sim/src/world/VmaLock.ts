/**
 * The per-VMA lock (L2, L3, V1-V4): its state (mm_lock_seq per mm, vm_lock_seq per VMA, and a
 * read/write semaphore per VMA in the lock table for its readers), its steps
 * (lock_vma_under_rcu, vma_end_read, vma_start_write), their checks against core's rule table
 * and their footprints. A VMA is write-locked exactly when its vm_lock_seq equals its mm's
 * mm_lock_seq (V1); the mmap lock ends every VMA write lock of the mm at once by bumping
 * mm_lock_seq (V2, see MmapLock).
 *
 * @since 0.2.0
 */
import { Check, Rules } from "@mmguard/core"
import type { Step } from "../Program.js"
import * as Rwsem from "../Rwsem.js"
import type { Task, Wait } from "../Task.js"
import type { Vma } from "../Vma.js"
import { type Exec, type Footprint, res, type State } from "./State.js"

/** The sequence counts of V1: mm_lock_seq per mm, vm_lock_seq per VMA (`mm:id`). */
export class VmaSeqs {
  private mm = new Map<string, number>()
  private vm = new Map<string, number>()
  private shared = false

  /** Copies the maps first if a fork still shares them. */
  private own(): void {
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

  /** Is VMA `vma` of `mm` write-locked (vm_lock_seq == mm_lock_seq, V1)? */
  writeLocked(mm: string, vma: number): boolean {
    return this.vm.get(`${mm}:${vma}`) === this.mm.get(mm)
  }

  /** vma_start_write's last step: vm_lock_seq = mm_lock_seq (V4). */
  lock(mm: string, vma: number): void {
    this.own()
    this.vm.set(`${mm}:${vma}`, this.mm.get(mm) ?? 0)
  }

  /** vma_end_write_all: bumps mm_lock_seq, ending every VMA write lock of `mm` (V2). */
  endAll(mm: string): void {
    this.own()
    this.mm.set(mm, (this.mm.get(mm) ?? 0) + 1)
  }

  /** The write-locked VMAs (the counts matter only as "write-locked"), for state digests. */
  digest(): string {
    let out = ""
    for (const [k, seq] of this.vm)
      if (seq === this.mm.get(k.slice(0, k.lastIndexOf(":")))) out += `w${k};`
    return out
  }

  /** A copy for a cloned world, sharing the maps until either side writes. */
  fork(): VmaSeqs {
    this.shared = true
    const c = Object.create(VmaSeqs.prototype) as VmaSeqs
    Object.assign(c, this)
    return c
  }
}

/** The lock id of the VMA read lock of `vma` in task `t`'s mm. */
export const lockId = (t: Task, vma: Vma): string => `vma:${t.mm}:${vma.id}`

/** The VMA lock mode task `t` has on `vma`, for its lock state (write needs the mmap write lock). */
export const mode = (
  st: State,
  t: Task,
  vma: Vma,
  mmap: "read" | "write" | undefined,
): "read" | "write" | undefined => {
  if (mmap === "write" && st.seqs.writeLocked(t.mm, vma.id)) return "write"
  return st.holds(t, lockId(t, vma)) ? "read" : undefined
}

type Op<K extends Step["op"]> = Extract<Step, { op: K }>

/**
 * lock_vma_under_rcu (L2): fails (jumps to `onFail`) when no VMA covers the address, when it is
 * write-locked (V3) or when its lock is contended; else the task holds the VMA read lock.
 */
const lockVmaUnderRcu = (st: State, t: Task, s: Op<"lockVmaUnderRcu">): Exec => {
  const vma = st.mmOf(t).find(s.addr)
  const id = vma && lockId(t, vma)
  if (
    vma === undefined ||
    id === undefined ||
    st.seqs.writeLocked(t.mm, vma.id) ||
    Rwsem.acquire(st.sems.get(id), t.id, "read", true) !== "acquired"
  ) {
    st.jump(t, s.onFail)
    return "ran"
  }
  t.held.push({ id, kind: "vma", cls: undefined, mode: "read", at: t.pc })
  t.pc++
  return "ran"
}

/** vma_end_read: drops the VMA read lock (a misuse when the task does not hold it, L2). */
const vmaEndRead = (st: State, t: Task, s: Op<"vmaEndRead">): Exec => {
  const vma = st.vmaAt(t, s.addr)
  const h = vma && t.held.find((x) => x.kind === "vma" && x.id === lockId(t, vma))
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
 * vma_start_write (L3, V4): checked against its row; waits for the VMA's readers, then sets
 * vm_lock_seq = mm_lock_seq (the semaphore is only held while waiting, like the writer bit).
 */
const vmaStartWrite = (st: State, t: Task, s: Op<"vmaStartWrite">): Exec => {
  const vma = st.vmaAt(t, s.addr)
  st.checkRows(t, [Check.check("vmaStartWrite", st.lockState(t, vma, s.addr))])
  if (vma === undefined) {
    st.report(t, { kind: "misuse", rule: "L3", message: `no VMA at page ${s.addr}` })
    t.pc++
    return "ran"
  }
  const id = lockId(t, vma)
  st.checkOrder(t, Rules.LockClassOf.vma, id)
  const got = Rwsem.acquire(st.sems.get(id), t.id, "write")
  if (got === "blocked") {
    t.status = "blocked"
    t.wait = { on: "sem", id, after: "vmaSeq", mm: t.mm, vma: vma.id }
    return "blocked"
  }
  if (got === "acquired") {
    st.seqs.lock(t.mm, vma.id)
    const r = st.release(id, t.id, "write")
    if (Array.isArray(r)) st.grant(r)
  }
  t.pc++
  return "ran"
}

/** A vma_start_write that waited for readers is granted: the VMA is now write-locked (V4). */
export const resumeWrite = (
  st: State,
  t: Task,
  wait: Extract<Wait, { on: "sem"; after: "vmaSeq" }>,
): void => {
  t.pc++
  st.seqs.lock(wait.mm, wait.vma)
  const more = st.release(wait.id, t.id, "write")
  if (Array.isArray(more)) st.grant(more)
}

/**
 * vma_end_read: drops a shared hold, which commutes with other readers unless a writer waits
 * (then it may grant vma_start_write, which sets the VMA's vm_lock_seq).
 */
const endReadFootprint = (st: State, t: Task, s: Op<"vmaEndRead">): Footprint => {
  const vma = st.vmaAt(t, s.addr)
  if (vma === undefined) return { reads: [res.vmas(t.mm)], writes: [] }
  const id = lockId(t, vma)
  const waiting = (st.sems.view.get(id)?.waiters.length ?? 0) > 0
  return waiting
    ? { reads: [res.vmas(t.mm)], writes: [id, res.seq(t.mm, vma.id)] }
    : { reads: [res.vmas(t.mm), id], writes: [] }
}

/** vma_start_write: waits for the readers (queues on the lock), or sets vm_lock_seq at once. */
const startWriteFootprint = (st: State, t: Task, s: Op<"vmaStartWrite">): Footprint => {
  const vma = st.vmaAt(t, s.addr)
  const reads = [res.vmas(t.mm), res.seq(t.mm)]
  if (vma === undefined) return { reads, writes: [] }
  const id = lockId(t, vma)
  const sem = st.sems.view.get(id)
  const now = sem === undefined || Rwsem.available(sem, "write")
  return { reads, writes: now ? [id, res.seq(t.mm, vma.id)] : [id] }
}

/** The VMA lock's steps: semantics and footprints. */
export const ops = {
  lockVmaUnderRcu: {
    exec: lockVmaUnderRcu,
    // A read trylock: taken shared or not at all, so it commutes with other readers.
    footprint: (st: State, t: Task, s: Op<"lockVmaUnderRcu">): Footprint => {
      const vma = st.mmOf(t).find(s.addr)
      const reads = [res.vmas(t.mm), res.seq(t.mm)]
      return { reads: vma ? [...reads, lockId(t, vma)] : reads, writes: [] }
    },
  },
  vmaEndRead: { exec: vmaEndRead, footprint: endReadFootprint },
  vmaStartWrite: { exec: vmaStartWrite, footprint: startWriteFootprint },
}
