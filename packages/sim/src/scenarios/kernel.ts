/**
 * What the library's kernel paths are written with: core's API (with call sites recorded, so a
 * compiled step knows its line), the mm "proc" of the common layout, and its page addresses and
 * page offsets as core's branded values.
 *
 * @since 0.3.0
 */
import * as Core from "@mmguard/core"
import { Address, Mm } from "@mmguard/core"
import * as Effect from "effect/Effect"
import { type Program, traced } from "../Compile.js"

/** core's API; every call remembers where it was written (`Compile.traced`). */
export const api = traced(Core)

/** The mm of the process "proc" every scenario runs in. */
export const mm = Mm.make("proc")

/** The page address of page number `n` (4 KiB pages, as in the layout). */
export const page = (n: number): Address.PageAddr =>
  Effect.runSync(Address.pageAddr(BigInt(n) * Address.PAGE_SIZE))

/** Page offset `n` in an rmap tree (a file's pages, an anon_vma's). */
export const pgoff = (n: number): Address.PgOff => Effect.runSync(Address.pgoff(n))

/** The address_space of the file "libfoo" the layout maps. */
export const libfoo = api.addressSpace("libfoo")

/** The id of the anonymous VMA's anon_vma in the layout (the world numbers them from 1). */
export const anonVmaOfAnon = 1

/**
 * A compile-time variant whose misuse core's types reject inside a scope (a handle kept past
 * its scope): the `@ts-expect-error` sits on the misuse line, and the program, typed no further,
 * is compiled anyway so that sim catches the bug at run time too.
 */
export const misuse = (program: Effect.Effect<unknown, unknown, unknown>): Program =>
  program as Program
