import { addr, Core, Effect, mm, provide, run } from "./setup.js"

// A VMA handle records what keeps it stable and how (L5). Asking for a handle stabilised by
// the mmap WRITE lock while holding only the mmap read lock leaves that lock required.
const program = Core.mmapReadLock(
  mm,
  Effect.asVoid(Core.findVma(mm, addr, { via: "mmap", mode: "write" })),
)
// @expect-error LockRequired<"MmapWriteLock", "proc1">
run(program.pipe(provide))

// The handle type says how it was stabilised: one found under the read lock is not one found
// under the write lock.
declare const underRead: Core.Vma.Vma<"proc1", "mmap", "read">
// @expect-error '"read"' is not assignable to type '"write"'
export const underWrite: Core.Vma.Vma<"proc1", "mmap", "write"> = underRead
