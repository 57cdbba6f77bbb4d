// The page-fault path (do_user_addr_fault): lock_vma_under_rcu, falling back to mmap_read_lock.
import {
  Address,
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
declare const kernel: Kernel.KernelShape

// Addresses and pfns come from validating constructors (a bad value is a typed failure).
const fault = Effect.gen(function* () {
  const addr = yield* Address.pageAddr(0x7f3a_0000_0000n)
  const pfn = yield* Address.pfn(42)
  return yield* lockVmaUnderRcu(mm, addr, {
    // The locked PTE table comes with its lock: the install takes it (P8).
    onLocked: (vma) => pteOffsetMapLock(vma, addr, (pte) => installPte(pte, addr, pfn)),
    onFallback: () =>
      mmapReadLock(mm, (lock) =>
        Effect.gen(function* () {
          const vma = yield* findVma(lock, addr)
          yield* pteOffsetMapLock(vma, addr, (pte) => installPte(pte, addr, pfn))
        }),
      ),
  })
})

export const run = () => Effect.runPromise(fault.pipe(Effect.provide(Kernel.layer(kernel))))
