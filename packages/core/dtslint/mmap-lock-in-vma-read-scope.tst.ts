import { addr, Core, Effect, end, far, Mm, mm, pfn, provide, run, vma } from "./setup.js"

// 10. take the mmap lock while holding a VMA read lock of the same mm (L9).
const program = Core.lockVmaUnderRcu(mm, addr, {
  // @expect-error L9: never take the mmap lock while holding a VMA read lock
  onLocked: (v) => Core.mmapReadLock(mm, Core.zapRange(v, addr, end)),
  onFallback: () => Effect.void,
})

export { program }
