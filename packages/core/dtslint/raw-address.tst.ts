import { addr, Core, end, mm, pfn, vma } from "./setup.js"

// 0. A raw number where an address or a pfn is expected is a type error: build them with
// Core.Address.pageAddr / virtAddr / pfn, which validate.
export const program = Core.mmapReadLock(mm, () =>
  // @expect-error 'bigint' is not assignable to parameter of type 'VirtAddr'
  Core.pteOffsetMapLock(vma, 0x7f3a_0000_0000n, (pte) => Core.installPte(pte, addr, pfn)),
)
export const raw = Core.pteOffsetMapLock(vma, addr, (pte) =>
  // @expect-error 'bigint' is not assignable to parameter of type 'Pfn'
  Core.installPte(pte, addr, 42n),
)
// The brands must not collapse to never (a PageAddr is a real, usable VirtAddr).
export const asVirt: Core.Address.VirtAddr = end
// @expect-error is not assignable to type 'never'
export const notNever: never = end
