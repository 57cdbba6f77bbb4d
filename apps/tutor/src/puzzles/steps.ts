/** Small builders of program steps, shared by the puzzle files. */
import { type Program, Scenarios } from "@mmguard/sim"

/** A page of the anonymous VMA, of the file VMA of "libfoo", of the stack (sim's layout). */
export const { ANON, FILE, STACK } = Scenarios

/** Takes lock `l` (in `mode`). */
export const lock = (l: Program.LockTarget, mode?: "read" | "write"): Program.Step =>
  ({ op: "lock", ...l, ...(mode ? { mode } : {}) }) as Program.Step
/** Releases lock `l` (in `mode`). */
export const unlock = (l: Program.LockTarget, mode?: "read" | "write"): Program.Step =>
  ({ op: "unlock", ...l, ...(mode ? { mode } : {}) }) as Program.Step
/** A kernel action (a `do` step). */
export const act = (action: Program.Step & { op: "do" }): Program.Step => action
/** The mmap lock. */
export const mmap = { lock: "mmap" } as const
/** The PTE lock of the table mapping `addr`. */
export const pte = (addr: number) => ({ lock: "pte", addr }) as const
/** The i_mmap lock of libfoo. */
export const iMmap = { lock: "iMmap", file: "libfoo" } as const
/** The anon_vma lock of the VMA at `addr`. */
export const anonVma = (addr: number) => ({ lock: "anonVma", addr }) as const
