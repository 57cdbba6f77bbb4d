/**
 * The kernel service: the primitive lock and page-table actions that core's typed API drives.
 * `@mmguard/sim` implements it against the simulated world (its checker re-checks every action
 * against the same rule table); anything else that implements this interface can too.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { type KernelError, Killed } from "./KernelError.js"
import type { Acquires } from "./Order.js"
import type { ActionName, LockClass, LockKind, LockMode } from "./Rules.js"
import type { VmaInfo } from "./Vma.js"

/** How to wait for a lock: block, try once (trylock), or block until killed (killable). */
export type Attempt = "block" | "try" | "killable"

/** One lock action on mm `mm`; `vma` / `addr` say which VMA or page table when it matters. */
export interface LockRequest {
  readonly mm: string
  readonly lock: LockKind
  readonly mode: LockMode
  readonly attempt?: Attempt
  readonly vma?: number
  readonly addr?: bigint
  /** The address_space (file name) of an i_mmap lock taken on the mapping itself. */
  readonly file?: string
  /** The anon_vma (id) of an anon_vma lock taken on the anon_vma itself. */
  readonly anonVma?: number
}

/** Whether the lock was taken, and (lock_vma_under_rcu) the VMA it locked. */
export interface LockOutcome {
  readonly acquired: boolean
  readonly vma?: VmaInfo
}

/** Arguments of a page-table or VMA operation; which ones apply depends on the operation. */
export interface OperationArgs {
  readonly vma?: number
  readonly addr?: bigint
  readonly end?: bigint
  readonly to?: bigint
  readonly pfn?: bigint
  readonly field?: string
  readonly value?: unknown
  readonly bits?: { readonly accessed?: boolean; readonly dirty?: boolean }
  /** The address the locked (or mapped) PTE / PMD table was looked up for (P8). */
  readonly table?: bigint
  /** A VMA field write done atomically (atomic_long_set, F6). */
  readonly atomic?: boolean
  /** readPte through a table mapped without its lock (ptep_get under RCU, P16, P17). */
  readonly mapped?: true
}

/** Where an rmap walk starts: a file's address_space or an anon_vma, and the pgoff range. */
export interface RmapWalkRequest {
  readonly file?: string
  readonly anonVma?: number
  readonly first: bigint
  readonly last: bigint
}

/** The primitive actions. Every failure is a tagged error naming the rule. */
export interface KernelShape {
  /** Takes a lock (or tries to); `acquired: false` only for `try` and lock_vma_under_rcu. */
  readonly lock: (req: LockRequest) => Effect.Effect<LockOutcome, KernelError>
  /** Releases a lock held in exactly this mode. */
  readonly unlock: (req: LockRequest) => Effect.Effect<void, KernelError>
  /** mmap_write_downgrade: write -> read, ending every VMA write lock of the mm (V2, V5). */
  readonly downgrade: (mm: string) => Effect.Effect<void, KernelError>
  /** find_vma: the VMA covering `addr`. */
  readonly findVma: (mm: string, addr: bigint) => Effect.Effect<VmaInfo, KernelError>
  /** Performs a kernel API call of `Rules.Actions` (or a VMA field write) and returns its result. */
  readonly operate: (
    mm: string,
    action: ActionName | "writeVma",
    args: OperationArgs,
  ) => Effect.Effect<unknown, KernelError>
  /**
   * The VMAs of an rmap tree (i_mmap of a file, or an anon_vma) overlapping [first, last] in
   * pgoff units, each with its `mm` (vma_interval_tree_foreach, anon_vma_interval_tree_foreach).
   * The caller holds that tree's lock.
   */
  readonly rmapWalk: (req: RmapWalkRequest) => Effect.Effect<ReadonlyArray<VmaInfo>, KernelError>
}

/** The kernel service key. */
export class Kernel extends Context.Service<Kernel, KernelShape>()("@mmguard/core/Kernel") {}

/** What a kernel layer provides: the service, and every lock-order mark (Order.ts). */
export type Provided = Kernel | Acquires<LockClass, string>

/**
 * A layer providing a kernel implementation. It also discharges the `Acquires` marks (they only
 * exist for the compile-time L9/L10/O3 checks), so a fully locked program runs.
 */
export const layer = (shape: KernelShape): Layer.Layer<Provided> =>
  Layer.succeed(Kernel)(shape) as unknown as Layer.Layer<Provided>

/** Options of `tracing`. */
export interface TracingOptions {
  /** Trylocks and lock_vma_under_rcu fail, as on a contended mm. */
  readonly busy?: boolean
  /** Makes an operation fail: return the error it should fail with, or undefined. */
  readonly refuse?: (action: ActionName | "writeVma") => KernelError | undefined
  /** Killable waits are interrupted by a fatal signal (they fail with `Killed`). */
  readonly killed?: boolean
  /** The VMA every lookup reports (default: anonymous, 2 MiB at address 0). */
  readonly vma?: VmaInfo
}

/**
 * A kernel without a simulator, for dry runs and tests: it grants every lock, performs every
 * operation as a line of `log` ("lock mmap read", "installPte", "unlock mmap read", ...) and
 * reports one VMA to every lookup and rmap walk (`options.vma`; by default an anonymous 2 MiB
 * VMA at address 0). It checks nothing at run time:
 * the types did that; `@mmguard/sim`'s layer is the kernel that re-checks.
 */
export const tracing = (
  options: TracingOptions = {},
): { readonly log: ReadonlyArray<string>; readonly layer: ReturnType<typeof layer> } => {
  const log: Array<string> = []
  const vma: VmaInfo = options.vma ?? {
    id: 1,
    start: 0n,
    end: 0x20_0000n,
    pgoff: 0n,
    anonymous: true,
    flags: [],
  }
  const shape: KernelShape = {
    lock: (req) =>
      Effect.suspend(() => {
        if (options.killed && req.attempt === "killable") {
          log.push(`killed ${req.lock} ${req.mode}`)
          return Effect.fail(new Killed({ rule: "L1" }))
        }
        const acquired = !(options.busy && req.attempt === "try")
        log.push(`${acquired ? "lock" : "busy"} ${req.lock} ${req.mode}`)
        return Effect.succeed(
          acquired && req.lock === "vma" && req.mode === "read" ? { acquired, vma } : { acquired },
        )
      }),
    unlock: (req) => Effect.sync(() => void log.push(`unlock ${req.lock} ${req.mode}`)),
    downgrade: () => Effect.sync(() => void log.push("downgrade")),
    findVma: () => Effect.succeed(vma),
    rmapWalk: (req) =>
      Effect.sync(() => {
        log.push(`rmapWalk ${req.file ?? `anon_vma ${req.anonVma}`}`)
        const file = req.file === undefined ? {} : { file: req.file, anonymous: false }
        return [{ ...vma, ...file, mm: "proc1" }]
      }),
    operate: (_mm, action) => {
      const refused = options.refuse?.(action)
      return refused ? Effect.fail(refused) : Effect.sync(() => void log.push(action))
    },
  }
  return { log, layer: layer(shape) }
}
