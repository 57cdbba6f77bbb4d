/**
 * Atomic VMA field access (F6). swap_readahead_info is an atomic_long_t: swap readahead sets it
 * with atomic_long_set holding only the mmap read lock, and the atomic access is the
 * "swap-specific lock" its row asks for (`Rules.AtomicFields`). A plain `writeVma` of the field
 * meets no such lock, so it still requires `SwapReadaheadLock`.
 *
 * @since 0.2.0
 */
import type * as Effect from "effect/Effect"
import type { Kernel } from "./Kernel.js"
import type { KernelError } from "./KernelError.js"
import type { Discharge, RequiresOn } from "./Requirement.js"
import type { AtomicField, AtomicFields, VmaFields, VmaKind } from "./Rules.js"
import { withKernel } from "./Scope.js"
import type { Vma } from "./Vma.js"

/**
 * atomic_long_set(&vma->field, value): writes an atomic field of the VMA. It needs its row's
 * locks except the one the atomic access stands for (F6: the mmap read lock remains).
 */
export const atomicLongSet = <Id extends string, T, K extends VmaKind, F extends AtomicField>(
  vma: Vma<Id, T, K>,
  field: F,
  value: bigint,
): Effect.Effect<
  void,
  KernelError,
  | Discharge<RequiresOn<(typeof VmaFields)[F], Id, K>, (typeof AtomicFields)[F], "held", Id>
  | T
  | Kernel
> =>
  withKernel((k) =>
    k.operate(vma.mm.id, "writeVma", { vma: vma.info.id, field, value, atomic: true }),
  ) as never
