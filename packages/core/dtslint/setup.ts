// Shared setup of the failing fixtures: one mm, VMA handles of it, and how programs run.
import * as Core from "@mmguard/core"
import { Kernel, Mm } from "@mmguard/core"
import { Effect } from "effect"

export { Core, Effect, Mm }
export const mm = Mm.make("proc1")
/** A page address, the end of its 2 MiB range, a far move target and a page frame number. */
export declare const addr: Core.Address.PageAddr
export declare const end: Core.Address.PageAddr
export declare const far: Core.Address.PageAddr
export declare const pfn: Core.Address.Pfn
export declare const pgoff: Core.Address.PgOff
declare const kernel: Kernel.KernelShape
/** Declared handles (bound to no scope), of any kind and of known kinds. */
export declare const vma: Core.Vma.Vma<"proc1">
export declare const anonVma: Core.Vma.Vma<"proc1", never, "anonymous">
export declare const privateFileAnonVma: Core.Vma.Vma<"proc1", never, "privateFileAnon">
export declare const anonVmaLock: Core.AnonVma
export const mapping = Core.addressSpace("libc.so")
/** Runs a program; it only type-checks when no lock requirement is left. */
export const run = <A, E>(program: Effect.Effect<A, E, never>) => Effect.runPromise(program)
/** Provides the kernel layer (which also discharges the lock-order marks). */
export const provide = Effect.provide(Kernel.layer(kernel))
