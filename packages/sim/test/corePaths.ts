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
  addressSpace,
  detachVma,
  findVma,
  freePgtables,
  iMmapLockRead,
  installPte,
  lockVmaUnderRcu,
  mmapReadLock,
  mmapWriteLock,
  pteOffsetMapLock,
  vmaIntervalTreeForeach,
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
    onLocked: (vma) => pteOffsetMapLock(vma, addr, (pte) => installPte(pte, addr, pfn)),
    onFallback: () =>
      mmapReadLock(mm, (lock) =>
        Effect.flatMap(findVma(lock, addr), (vma) =>
          pteOffsetMapLock(vma, addr, (pte) => installPte(pte, addr, pfn)),
        ),
      ),
  })

/** mprotect: vm_flags under mmap write + VMA write (F3). */
export const mprotect = (addr: Address.PageAddr) =>
  mmapWriteLock(mm, (lock) =>
    Effect.flatMap(findVma(lock, addr), (vma) =>
      vmaStartWrite(vma, writeVma(vma, "vm_flags", ["read"])),
    ),
  )

/** munmap; `zap: false` is the library's no-zap variant: it type-checks, and sim catches P7. */
export const munmap = (zap: boolean) =>
  mmapWriteLock(mm, (lock) =>
    Effect.gen(function* () {
      const vma = yield* findVma(lock, start)
      yield* vmaStartWrite(
        vma,
        Effect.andThen(detachVma(vma), zap ? zapRange(vma, start, end) : Effect.void),
      )
      yield* freePgtables(lock, start, end)
    }),
  )

const libfoo = addressSpace("libfoo")
const [first, last] = [Effect.runSync(Address.pgoff(2048)), Effect.runSync(Address.pgoff(2559))]

/** unmap_mapping_range on truncation: an rmap walk of libfoo's i_mmap, zapping in each VMA (P4). */
export const truncate = iMmapLockRead(libfoo, (locked) =>
  vmaIntervalTreeForeach(locked, first, last, (vma) => zapRange(vma, page(2048), page(2560))),
)

/**
 * The library's truncate/install-under-rmap: a page installed under the i_mmap lock only (P3).
 * core's types reject it (`LockRequired<"MmapOrVmaLock">`); it is compiled anyway, to show that
 * sim catches it at run time too.
 */
export const installUnderRmap: Compile.Program = iMmapLockRead(libfoo, (locked) =>
  vmaIntervalTreeForeach(locked, first, last, (vma) =>
    pteOffsetMapLock(vma, page(2048), (pte) => installPte(pte, page(2048), pfn)),
  ),
) as never

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
