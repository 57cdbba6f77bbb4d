/**
 * The one mapping from core's kernel calls to sim steps. `KernelLayer` runs each step at once
 * on a live world; `Compile` records them into a task program that the explorer interleaves.
 * Both read the same functions here, so a core program means the same steps either way.
 *
 * Steps that the world may make fail (lock_vma_under_rcu, vma_start_read_locked, a trylock,
 * find_vma, a killable wait) carry the `onFail` label given by the caller.
 *
 * @since 0.1.0
 */
import type { Vma as CoreVma, Kernel } from "@mmguard/core"
import { Pte } from "./PageTable.js"
import type { Step } from "./Program.js"
import type { Vma } from "./Vma.js"
import type { World } from "./World.js"

/** A VMA of the world with the name of the mm holding it. */
export interface MmVma {
  readonly mm: string
  readonly vma: Vma
}

/** What the mapping needs to know about the world: page size and the VMAs. */
export interface Resolver {
  readonly pageShift: number
  /** The VMA with id `id` (attached, or detached by the task), if any. */
  readonly vmaById: (id: number) => Vma | undefined
  /** Every VMA of every mm (rmap trees and anon_vmas span mms). */
  readonly allVmas: () => ReadonlyArray<MmVma>
  /**
   * The page a step names for page `page` of the task's mm (default: itself). Inside a compiled
   * rmap walk's body, steps name page offsets in the tree (see `world/RmapWalk`).
   */
  readonly toPage?: (page: number) => number
  /** The kernel's primitives as built (default: as the kernel has them). */
  readonly primitives?: Primitives
}

/**
 * How the kernel's lookup primitives are built. `recheck: false` models a kernel whose
 * lock_vma_under_rcu skips its re-check after locking (V7) and whose pte_offset_map_lock does not
 * re-read the PMD entry (P11): a bug inside the primitive, which no caller's source shows.
 */
export interface Primitives {
  readonly recheck?: boolean
}

/** The `recheck: false` of a step when the primitives skip their re-check. */
const rechecked = (r: Resolver): { readonly recheck?: false } =>
  r.primitives?.recheck === false ? { recheck: false } : {}

/** A byte address as the page number a step names (0 when absent). */
export const vpn = (r: Resolver, addr: bigint | undefined): number => {
  const page = Number((addr ?? 0n) >> BigInt(r.pageShift))
  return r.toPage ? r.toPage(page) : page
}

/** A sim VMA as core's `VmaInfo` (byte addresses; with `mm`, the mm holding it). */
export const vmaInfo = (v: Vma, pageShift: number, mm?: string): CoreVma.VmaInfo => ({
  id: v.id,
  start: BigInt(v.start) << BigInt(pageShift),
  end: BigInt(v.end) << BigInt(pageShift),
  pgoff: BigInt(v.pgoff),
  anonymous: v.file === undefined,
  flags: v.flags,
  shared: v.flags.includes("shared"),
  ...(v.file === undefined ? {} : { file: v.file.name }),
  ...(v.anonVma === undefined ? {} : { anonVma: v.anonVma.id }),
  ...(mm === undefined ? {} : { mm }),
})

const vmaStart = (r: Resolver, id: number | undefined): number => {
  const page = id === undefined ? 0 : (r.vmaById(id)?.start ?? 0)
  return r.toPage ? r.toPage(page) : page
}

/** The start page of a VMA whose anon_vma is `id` (the sim names an anon_vma through one). */
const anonVmaPage = (r: Resolver, id: number): number =>
  r.allVmas().find(({ vma }) => vma.anonVma?.id === id)?.vma.start ?? 0

/**
 * The VMAs of an rmap tree (a file's i_mmap, or an anon_vma) overlapping the request's pgoff
 * range, in every mm: what vma_interval_tree_foreach / anon_vma_interval_tree_foreach visit.
 */
export const rmapWalkVmas = (r: Resolver, req: Kernel.RmapWalkRequest): ReadonlyArray<MmVma> => {
  const [first, last] = [Number(req.first), Number(req.last)]
  const overlaps = (v: Vma) => v.pgoff <= last && first < v.pgoff + (v.end - v.start)
  const inTree = (v: Vma) =>
    req.file !== undefined ? v.file?.name === req.file : v.anonVma?.id === req.anonVma
  return r.allVmas().filter(({ vma }) => inTree(vma) && overlaps(vma))
}

/**
 * The head step of an rmap walk (`world/RmapWalk`), labelled `label`, going on at `done` when
 * no VMA is left.
 */
export const rmapWalkStep = (
  r: Resolver,
  req: Kernel.RmapWalkRequest,
  label: string,
  done: string,
): Step => {
  const range = { first: Number(req.first), last: Number(req.last), done, label }
  return req.file !== undefined
    ? { op: "rmapWalk", lock: "iMmap", file: req.file, ...range }
    : { op: "rmapWalk", lock: "anonVma", addr: anonVmaPage(r, req.anonVma ?? -1), ...range }
}

/** The lock step of an rwsem or spinlock request (mmap, rmap and page-table locks). */
const target = (
  r: Resolver,
  req: Kernel.LockRequest,
): Extract<Step, { op: "lock" }> | undefined => {
  const mode = req.mode === "held" ? "read" : req.mode
  switch (req.lock) {
    case "mmap":
      return { op: "lock", lock: "mmap", mode }
    case "anonVma": {
      const addr = req.anonVma === undefined ? vmaStart(r, req.vma) : anonVmaPage(r, req.anonVma)
      return { op: "lock", lock: "anonVma", addr, mode }
    }
    case "iMmap": {
      const file = req.file ?? (req.vma === undefined ? undefined : r.vmaById(req.vma)?.file?.name)
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
 * lock). `onFail` labels the failure branch of lock_vma_under_rcu, vma_start_read_locked,
 * trylocks and killable waits.
 */
export const lockStep = (
  r: Resolver,
  req: Kernel.LockRequest,
  onFail: string,
): Step | undefined => {
  // pte_offset_map_lock: map, lock, re-check the PMD entry and retry if it changed (P10, P11).
  // When no PTE table is mapped it fails: the caller then locks a new one (`pteAllocStep`).
  // pte_offset_map_rw_nolock (the table mapped under RCU, or none) and the PTE lock taken on
  // it with the pmd_same re-check: both may fail.
  if (req.lock === "rcu" && req.attempt === "try")
    return { op: "pteOffsetMapNolock", addr: vpn(r, req.addr), onFail }
  if (req.lock === "pteLock" && req.attempt === "try")
    return { op: "pteLockRevalidate", addr: vpn(r, req.addr), onFail, ...rechecked(r) }
  if (req.lock === "pteLock")
    return { op: "pteOffsetMapLock", addr: vpn(r, req.addr), onFail, ...rechecked(r) }
  // vma_start_read_locked names its VMA; lock_vma_under_rcu only an address.
  if (req.lock === "vma" && req.mode === "read" && req.vma !== undefined)
    return { op: "vmaStartReadLocked", addr: vmaStart(r, req.vma), onFail }
  if (req.lock === "vma" && req.mode === "read")
    return { op: "lockVmaUnderRcu", addr: vpn(r, req.addr), onFail, ...rechecked(r) }
  // vma_start_write_killable: a fatal signal ends the wait with -EINTR (L11) at `onFail`.
  if (req.lock === "vma" && req.attempt === "killable")
    return { op: "vmaStartWriteKillable", addr: vmaStart(r, req.vma), onFail }
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
  // pte_unmap of a table mapped without its lock; a lock taken on it is a plain unlock.
  if (req.lock === "rcu" && req.attempt === "try") return { op: "pteUnmap", addr: vpn(r, req.addr) }
  if (req.lock === "pteLock" && how === "mapped" && req.attempt !== "try")
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
    const atomic = args.atomic ? { atomic: true } : {}
    return { op: "writeVma", addr, field: args.field as never, value, ...atomic }
  }
  // ptep_get through a table mapped under RCU without its lock (P16, P17).
  if (action === "readPte" && args.mapped) return { op: "ptepGet", addr }
  return {
    op: "do",
    action,
    addr,
    ...(args.end === undefined ? {} : { end: vpn(r, args.end) }),
    ...(args.to === undefined ? {} : { to: vpn(r, args.to) }),
    ...(args.pfn === undefined ? {} : { pfn: Number(args.pfn) }),
  }
}

/** readPte's result: the present bit and frame of page `page` in task `task`'s mm. */
export const readPteResult = (
  world: World,
  task: number,
  page: number,
): { readonly present: boolean; readonly pfn?: bigint } => {
  const name = world.tasks[task]?.mm
  const e = (name === undefined ? undefined : world.mms.get(name)?.pt.read(page)) ?? 0
  return e === 0 ? { present: false } : { present: true, pfn: BigInt(Pte.pfn(e)) }
}

/** The resolver of task `task` of `world`: its VMAs by id, every mm's VMAs. */
export const resolverOf = (world: World, task: number): Resolver => ({
  pageShift: world.arch.pageShift,
  vmaById: (id) => world.vmaById(task, id),
  allVmas: () => [...world.mms].flatMap(([mm, m]) => m.vmas.map((vma) => ({ mm, vma }))),
})
