/**
 * The kernel paths scheduler puzzles run, as task programs. Most are taken from sim's scenario
 * library (by scenario, variant and task name), so a path is written once; the few the library
 * does not have are written here, in the same step language.
 */
import { type Program, Scenarios } from "@mmguard/sim"
import { ANON, FILE, iMmap, lock, mmap, unlock } from "./steps.js"

/** The task named `name` in sim's scenario `scenario` (its variant `variant` when given). */
export const libraryTask = (scenario: string, name: string, variant?: string): Program.TaskSpec => {
  const s = Scenarios.all.find((x) => x.id === scenario)
  const spec = variant === undefined ? s?.spec : s?.variants.find((v) => v.id === variant)?.spec
  const t = spec?.tasks.find((x) => x.name === name)
  if (t === undefined) throw new Error(`sim has no task ${name} in ${scenario} ${variant ?? ""}`)
  return t
}

/** A task of the process "proc". */
export const task = (name: string, program: ReadonlyArray<Program.Step>): Program.TaskSpec => ({
  name,
  mm: "proc",
  program,
})

const mmapLock = (mode: "read" | "write") => lock(mmap, mode)
const mmapUnlock = (mode: "read" | "write") => unlock(mmap, mode)

/**
 * A munmap of the VMA at `addr` = [start, end) in the forms sim's library lacks: detach, zap,
 * free the page tables, with `vmaWrite` saying whether the VMA is write-locked first and
 * `downgrade` whether mmap_write_downgrade comes straight after the lock, before the detach (a
 * bug). The kernel's own munmap is the library's (scenario "munmap").
 */
export const munmap = (
  addr: number,
  start: number,
  end: number,
  opts: { vmaWrite: boolean; downgrade: "none" | "early" },
): ReadonlyArray<Program.Step> => {
  const early = opts.downgrade === "early"
  return [
    mmapLock("write"),
    ...(early ? [{ op: "mmapWriteDowngrade" } as const] : []),
    ...(opts.vmaWrite ? [{ op: "vmaStartWrite", addr } as const] : []),
    { op: "do", action: "detachVma", addr },
    { op: "do", action: "zapRange", addr: start, end },
    { op: "do", action: "freePgtables", addr: start, end },
    mmapUnlock(early ? "read" : "write"),
  ]
}

/** mprotect as a read-modify-write of vm_flags, under `mode` of the mmap lock. */
export const mprotectRmw = (mode: "read" | "write"): ReadonlyArray<Program.Step> => [
  mmapLock(mode),
  ...(mode === "write" ? [{ op: "vmaStartWrite", addr: ANON } as const] : []),
  { op: "do", action: "readVma", addr: ANON },
  { op: "writeVma", addr: ANON, field: "vm_flags", value: ["read"] },
  mmapUnlock(mode),
]

/** A file mremap's locking: mmap write, the VMA write lock, then i_mmap write (O1's order). */
export const fileRemapLocks: ReadonlyArray<Program.Step> = [
  mmapLock("write"),
  { op: "vmaStartWrite", addr: FILE },
  lock(iMmap, "write"),
  { op: "do", action: "walk", addr: FILE },
  unlock(iMmap, "write"),
  mmapUnlock("write"),
]

/** A write path faulting user pages, in O1's order: the mmap lock, then i_mmap. */
export const writerInOrder: ReadonlyArray<Program.Step> = [
  mmapLock("read"),
  lock(iMmap, "write"),
  unlock(iMmap, "write"),
  mmapUnlock("read"),
]
