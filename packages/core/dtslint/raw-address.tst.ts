import { addr, Core, Effect, end, far, Mm, mm, pfn, provide, run, vma } from "./setup.js"

// 0. A raw number where an address or a pfn is expected is a type error: build them with
// Core.Address.pageAddr / virtAddr / pfn, which validate.
const program = Core.mmapReadLock(
  mm,
  // @expect-error 'bigint' is not assignable to parameter of type 'VirtAddr'
  Core.pteOffsetMapLock(vma, 0x7f3a_0000_0000n, Core.installPte(vma, addr, pfn)),
)
// @expect-error 'bigint' is not assignable to parameter of type 'Pfn'
const raw = Core.installPte(vma, addr, 42n)
// The brands must not collapse to never (a PageAddr is a real, usable VirtAddr).
const asVirt: Core.Address.VirtAddr = end
// @expect-error is not assignable to type 'never'
const notNever: never = end
