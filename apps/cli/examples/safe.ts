// A page fault racing with mprotect, both written the way the kernel does it: safe.
import {
  Address,
  findVma,
  installPte,
  lockVmaUnderRcu,
  Mm,
  mmapReadLock,
  mmapWriteLock,
  pteOffsetMapLock,
  vmaStartWrite,
  writeVma,
} from "@mmguard/core"
import * as Effect from "effect/Effect"

const mm = Mm.make("proc")
const addr = Effect.runSync(Address.pageAddr(600 * 4096))
const pfn = Effect.runSync(Address.pfn(42))

// do_user_addr_fault: lock_vma_under_rcu, falling back to mmap_read_lock.
const fault = lockVmaUnderRcu(mm, addr, {
  onLocked: (vma) => pteOffsetMapLock(vma, addr, (pte) => installPte(pte, addr, pfn)),
  onFallback: () =>
    mmapReadLock(mm, (lock) =>
      Effect.flatMap(findVma(lock, addr), (vma) =>
        pteOffsetMapLock(vma, addr, (pte) => installPte(pte, addr, pfn)),
      ),
    ),
})

// mprotect: vm_flags under the mmap write lock and the VMA write lock (F3).
const mprotect = mmapWriteLock(mm, (lock) =>
  Effect.flatMap(findVma(lock, addr), (vma) =>
    vmaStartWrite(vma, writeVma(vma, "vm_flags", ["read"])),
  ),
)

export const paths = { fault, mprotect }
