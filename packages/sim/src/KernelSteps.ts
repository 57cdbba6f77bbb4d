/**
 * The one mapping from core's kernel calls to sim steps. `KernelLayer` runs each step at once
 * on a live world; `Compile` records them into a task program that the explorer interleaves.
 * Both read the same functions here, so a core program means the same steps either way.
 *
 * Steps that the world may make fail (lock_vma_under_rcu, a trylock, find_vma) carry the
 * `onFail` label given by the caller.
 *
 * @since 0.1.0
 */
import type { Vma as CoreVma, Kernel } from "@mmguard/core"
import type { Step } from "./Program.js"
import type { Vma } from "./Vma.js"

/** What the mapping needs to know about the world: page size and the VMAs by id. */
export interface Resolver {
  readonly pageShift: number
  /** The VMA with id `id` (attached, or detached by the task), if any. */
  readonly vmaById: (id: number) => Vma | undefined
}

/** A byte address as a page number (0 when absent). */
export const vpn = (r: Resolver, addr: bigint | undefined): number =>
  Number((addr ?? 0n) >> BigInt(r.pageShift))

/** A sim VMA as core's `VmaInfo` (byte addresses). */
export const vmaInfo = (v: Vma, pageShift: number): CoreVma.VmaInfo => ({
  id: v.id,
  start: BigInt(v.start) << BigInt(pageShift),
  end: BigInt(v.end) << BigInt(pageShift),
  pgoff: BigInt(v.pgoff),
  anonymous: v.file === undefined,
  flags: v.flags,
})

const vmaStart = (r: Resolver, id: number | undefined): number =>
  id === undefined ? 0 : (r.vmaById(id)?.start ?? 0)

/** The lock step of an rwsem or spinlock request (mmap, rmap and page-table locks). */
const target = (
  r: Resolver,
  req: Kernel.LockRequest,
): Extract<Step, { op: "lock" }> | undefined => {
  const mode = req.mode === "held" ? "read" : req.mode
  switch (req.lock) {
    case "mmap":
      return { op: "lock", lock: "mmap", mode }
    case "anonVma":
      return { op: "lock", lock: "anonVma", addr: vmaStart(r, req.vma), mode }
    case "iMmap": {
      const file = req.vma === undefined ? undefined : r.vmaById(req.vma)?.file?.name
      return { op: "lock", lock: "iMmap", file: file ?? "", mode }
    }
    case "pageTableLock":
      return { op: "lock", lock: "pageTableLock" }
    case "pmdLock":
      return { op: "lock", lock: "pmd", addr: vpn(r, req.addr) }
    case "pteLock":
      return { op: "lock", lock: "pte", addr: vpn(r, req.addr) }
    default:
      return undefined
  }
}

/**
 * The step of a lock request, or undefined for a request with no step (VMA setup: F2 needs no
 * lock). `onFail` labels the failure branch of lock_vma_under_rcu and trylocks.
 */
export const lockStep = (
  r: Resolver,
  req: Kernel.LockRequest,
  onFail: string,
): Step | undefined => {
  // pte_offset_map_lock: map, lock, re-check the PMD entry and retry if it changed (P10, P11).
  // When no PTE table is mapped it fails: the caller then locks a new one (`pteAllocStep`).
  if (req.lock === "pteLock") return { op: "pteOffsetMapLock", addr: vpn(r, req.addr), onFail }
  if (req.lock === "vma" && req.mode === "read")
    return { op: "lockVmaUnderRcu", addr: vpn(r, req.addr), onFail }
  if (req.lock === "vma") return { op: "vmaStartWrite", addr: vmaStart(r, req.vma) }
  if (req.lock === "rcu") return { op: "rcuReadLock" }
  const s = target(r, req)
  if (s === undefined) return undefined
  return req.attempt === "try" ? { ...s, op: "trylock", onFail } : s
}

/**
 * pte_alloc_map_lock's second half: when pte_offset_map_lock found no PTE table, allocate one
 * and lock it (the plain `lock pte` target does both in one step).
 */
export const pteAllocStep = (r: Resolver, req: Kernel.LockRequest): Step => ({
  op: "lock",
  lock: "pte",
  addr: vpn(r, req.addr),
})

/** How a PTE lock was taken: mapped by pte_offset_map_lock, or on a table just allocated. */
export type PteHow = "mapped" | "allocated"

/**
 * The step releasing a lock request, or undefined when it has none. A PTE lock is released
 * the way it was taken (`how`): pte_unmap_unlock, or a plain unlock.
 */
export const unlockStep = (
  r: Resolver,
  req: Kernel.LockRequest,
  how: PteHow = "mapped",
): Step | undefined => {
  if (req.lock === "pteLock" && how === "mapped")
    return { op: "pteUnmapUnlock", addr: vpn(r, req.addr) }
  if (req.lock === "vma") return { op: "vmaEndRead", addr: vmaStart(r, req.vma) }
  if (req.lock === "rcu") return { op: "rcuReadUnlock" }
  const s = target(r, req)
  return s && { ...s, op: "unlock" }
}

/** mmap_write_downgrade. */
export const downgradeStep: Step = { op: "mmapWriteDowngrade" }

/** find_vma of a byte address; `onFail` labels the branch where no VMA covers it. */
export const findVmaStep = (r: Resolver, addr: bigint, onFail: string): Step => ({
  op: "findVma",
  addr: vpn(r, addr),
  onFail,
})

/** The page an operation acts on: its address, else the start of its VMA. */
export const operationPage = (r: Resolver, args: Kernel.OperationArgs): number =>
  args.vma !== undefined && args.addr === undefined ? vmaStart(r, args.vma) : vpn(r, args.addr)

/** The step of a page-table or VMA operation. */
export const operateStep = (
  r: Resolver,
  action: Parameters<Kernel.KernelShape["operate"]>[1],
  args: Kernel.OperationArgs,
): Step => {
  const addr = operationPage(r, args)
  if (action === "writeVma") {
    // core passes byte addresses and bigints; the world keeps page numbers and numbers.
    const v = args.value
    const value =
      typeof v !== "bigint"
        ? v
        : args.field === "vm_start" || args.field === "vm_end"
          ? vpn(r, v)
          : Number(v)
    return { op: "writeVma", addr, field: args.field as never, value }
  }
  return {
    op: "do",
    action,
    addr,
    ...(args.end === undefined ? {} : { end: vpn(r, args.end) }),
    ...(args.to === undefined ? {} : { to: vpn(r, args.to) }),
    ...(args.pfn === undefined ? {} : { pfn: Number(args.pfn) }),
  }
}
