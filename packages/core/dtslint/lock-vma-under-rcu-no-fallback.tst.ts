import { addr, Core, Effect, end, far, Mm, mm, pfn, provide, run, vma } from "./setup.js"

// 9. ignore the failure case of lock_vma_under_rcu (L2): the fallback is required.
// @expect-error onFallback
const program = Core.lockVmaUnderRcu(mm, addr, {
  onLocked: (v) => Core.zapRange(v, addr, end),
})

export { program }
