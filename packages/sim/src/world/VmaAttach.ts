/**
 * A VMA's life (V7, L7, F9): attached (in the mm's tree) or detached. Attaching a new VMA
 * (vma_link, write-locked first) and detaching one (munmap) need the VMA write lock, and
 * detaching waits for the readers still holding a reference on vm_refcnt. A detached VMA is
 * freed with vm_area_free; VMA objects are type-safe under RCU (SLAB_TYPESAFE_BY_RCU), so the
 * next mmap of any mm may reuse the object at once, for another range or another process, while
 * a lock_vma_under_rcu that found it still points at it: a reader that locked it must re-check
 * vm_mm and the range (V7), which `staleCheck` catches when it did not.
 *
 * @since 0.2.0
 */
import type { Step } from "../Program.js"
import * as Rmap from "../Rmap.js"
import { isSimError } from "../SimError.js"
import type { Task, Wait } from "../Task.js"
import type { Exec, State } from "./State.js"
import { attached, clearMark, excludeReaders, lockId } from "./VmaLock.js"

type DoStep = Extract<Step, { op: "do" }>

/**
 * Reports every VMA read lock of task `t` whose object is no longer attached to its mm or no
 * longer covers the page it was looked up for: freed and reused meanwhile, and the lock was
 * taken without lock_vma_under_rcu's re-check (V7).
 */
export const staleCheck = (st: State, t: Task): void => {
  for (const h of t.held) {
    if (h.kind !== "vma" || h.vma === undefined || h.vpn === undefined) continue
    const now = attached(st, t, h.vma)
    if (now !== undefined && now.start <= h.vpn && h.vpn < now.end) continue
    const elsewhere = [...st.memory.mms.values()].find((m) => m.vmas.some((v) => v.id === h.vma))
    const where = now
      ? `now covers [${now.start}, ${now.end})`
      : elsewhere
        ? `now belongs to another mm (${elsewhere.name})`
        : "is detached"
    st.report(t, {
      kind: "rule",
      rule: "V7",
      message: `the VMA read lock taken for page ${h.vpn} holds VMA object ${h.vma}, which ${where}: it was freed and reused after the lookup, and lock_vma_under_rcu must re-check mm, attachment and range after locking`,
    })
  }
}

/** detach: the VMA leaves the mm's tree, then the step waits for its readers to leave (V7). */
const detachVma = (st: State, t: Task, s: DoStep): Exec => {
  const memory = st.writable()
  const mm = st.mmOf(t)
  const vma = mm.find(s.addr)
  if (vma === undefined || mm.detach(vma) !== undefined) {
    t.pc++
    return "ran"
  }
  memory.addDetached(t.id, vma)
  const id = lockId(vma)
  const got = excludeReaders(st, t, id, { on: "sem", id, after: "vmaDetach" })
  if (typeof got === "object") return st.misuse(t, "V7", got.misuse)
  if (got === "blocked") return "blocked"
  clearMark(st, t, id)
  t.pc++
  return "ran"
}

/** A detach that waited for the VMA's readers: they have left. */
export const resumeDetach = (
  st: State,
  t: Task,
  wait: Extract<Wait, { on: "sem"; after: "vmaDetach" }>,
): void => {
  t.pc++
  clearMark(st, t, wait.id)
}

/**
 * mmap of an anonymous range [addr, end): a new VMA, write-locked (vm_lock_seq = mm_lock_seq)
 * and attached, on the last freed VMA object of any mm when there is one (the slab, V7).
 */
const mapVma = (st: State, t: Task, s: DoStep): Exec => {
  const memory = st.writable()
  const reuse = memory.freed.at(-1)
  const vma = st
    .mmOf(t)
    .insert({ start: s.addr, end: s.end ?? s.addr + 1, anonVma: memory.newAnonVma() }, reuse)
  if (isSimError(vma)) return st.misuse(t, vma.rule, `mapVma(${s.addr}): ${vma.message}`)
  if (reuse) memory.reuseFreed()
  st.seqs.lock(t.mm, vma.id)
  t.pc++
  return "ran"
}

/** vm_area_free of a VMA this task detached: its object goes back to the slab for reuse. */
const freeVma = (st: State, t: Task, s: DoStep): Exec => {
  const memory = st.writable()
  const vma = memory.detachedBy(t.id).find((v) => v.start <= s.addr && s.addr < v.end)
  if (vma === undefined) return st.misuse(t, "V7", `freeVma(${s.addr}): no VMA detached there`)
  Rmap.unlink(vma)
  memory.freeDetached(t.id, vma)
  t.pc++
  return "ran"
}

/** The `do` actions of a VMA's life, after their rows are checked (see `Do`). */
export const actions = { detachVma, mapVma, freeVma }
