import { addr, Core, Effect, end, mm, provide, run } from "./setup.js"

// 10. take the mmap lock while holding a VMA read lock of the same mm (L9).
const program = Core.lockVmaUnderRcu(mm, addr, {
  onLocked: (v) => Core.mmapReadLock(mm, () => Core.zapRange(v, addr, end)),
  onFallback: () => Effect.void,
})
// @expect-error L9: never take the mmap lock of proc1 while holding a VMA read lock of it
run(program.pipe(provide))
