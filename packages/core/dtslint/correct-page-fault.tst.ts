// The page-fault path (do_user_addr_fault): lock_vma_under_rcu, falling back to mmap_read_lock.
import {
  findVma,
  installPte,
  Kernel,
  lockVmaUnderRcu,
  Mm,
  mmapReadLock,
  pteOffsetMapLock,
} from "@mmguard/core"
import { Effect } from "effect"

const mm = Mm.make("proc1")
const addr = 0x7f3a_0000_0000n
declare const kernel: Kernel.KernelShape

const fault = lockVmaUnderRcu(mm, addr, {
  onLocked: (vma) => pteOffsetMapLock(vma, addr, installPte(vma, addr, 42n)),
  onFallback: () =>
    mmapReadLock(
      mm,
      Effect.gen(function* () {
        const vma = yield* findVma(mm, addr)
        yield* pteOffsetMapLock(vma, addr, installPte(vma, addr, 42n))
      }),
    ),
})

export const run = () => Effect.runPromise(fault.pipe(Effect.provide(Kernel.layer(kernel))))
