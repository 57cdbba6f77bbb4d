// Kernel paths of the scenario library written once with @mmguard/core, for the Compile tests.
// They use `Compile.traced(core)`, as a user's file does under `mmguard check`, so every step
// they compile to knows its line in this file.
import * as Core from "@mmguard/core"
import { Address, Mm } from "@mmguard/core"
import * as Effect from "effect/Effect"
import { Compile, Scenarios, type WorldSpec } from "../src/index.js"

/** The core API with call sites recorded. */
export const api = Compile.traced(Core)
const {
  detachVma,
  findVma,
  freePgtables,
  installPte,
  lockVmaUnderRcu,
  mmapReadLock,
  mmapWriteLock,
  pteOffsetMapLock,
  vmaStartWrite,
  writeVma,
  zapRange,
} = api

export const mm = Mm.make("proc")
/** The page address of page number `n` (4 KiB pages, as in the library's layout). */
export const page = (n: number) => Effect.runSync(Address.pageAddr(BigInt(n) * 4096n))
const pfn = Effect.runSync(Address.pfn(42))
const [start, end] = [page(512), page(1024)]

/** do_user_addr_fault: lock_vma_under_rcu, falling back to mmap_read_lock + find_vma. */
export const fault = (addr: Address.PageAddr) =>
  lockVmaUnderRcu(mm, addr, {
    onLocked: (vma) => pteOffsetMapLock(vma, addr, installPte(vma, addr, pfn)),
    onFallback: () =>
      mmapReadLock(
        mm,
        Effect.flatMap(findVma(mm, addr), (vma) =>
          pteOffsetMapLock(vma, addr, installPte(vma, addr, pfn)),
        ),
      ),
  })

/** mprotect: vm_flags under mmap write + VMA write (F3). */
export const mprotect = (addr: Address.PageAddr) =>
  mmapWriteLock(
    mm,
    Effect.flatMap(findVma(mm, addr, { via: "mmap", mode: "write" }), (vma) =>
      vmaStartWrite(vma, writeVma(vma, "vm_flags", ["read"])),
    ),
  )

/** munmap; `zap: false` is the library's no-zap variant: it type-checks, and sim catches P7. */
export const munmap = (zap: boolean) =>
  mmapWriteLock(
    mm,
    Effect.gen(function* () {
      const vma = yield* findVma(mm, start, { via: "mmap", mode: "write" })
      yield* vmaStartWrite(
        vma,
        Effect.andThen(detachVma(vma), zap ? zapRange(vma, start, end) : Effect.void),
      )
      yield* freePgtables(mm, start, end)
    }),
  )

/** Compiles `program` for the library's layout (a failure to compile fails the test). */
export const compiled = (name: string, program: Compile.Program): Compile.Compiled => {
  const c = Compile.compile(program, { name, mms: Scenarios.layout })
  if (c instanceof Compile.CompileError) throw new Error(c.message)
  return c
}

/** The world of the library's layout running `paths`, each compiled into a task. */
export const spec = (paths: Record<string, Compile.Program>): WorldSpec => ({
  mms: Scenarios.layout,
  tasks: Object.entries(paths).map(([name, program]) => compiled(name, program).task),
})
