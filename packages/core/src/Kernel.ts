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
import type { KernelError } from "./KernelError.js"
import type { MmapLockTaken } from "./Requirement.js"
import type { ActionName, LockKind, LockMode } from "./Rules.js"
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
}

/** The kernel service key. */
export class Kernel extends Context.Service<Kernel, KernelShape>()("@mmguard/core/Kernel") {}

/**
 * A layer providing a kernel implementation. It also discharges the `MmapLockTaken` markers
 * (they only exist for the L9 compile-time check), so a fully locked program runs.
 */
export const layer = (shape: KernelShape): Layer.Layer<Kernel | MmapLockTaken<string>> =>
  Layer.succeed(Kernel)(shape) as unknown as Layer.Layer<Kernel | MmapLockTaken<string>>

/** Options of `tracing`. */
export interface TracingOptions {
  /** Trylocks and lock_vma_under_rcu fail, as on a contended mm. */
  readonly busy?: boolean
  /** Makes an operation fail: return the error it should fail with, or undefined. */
  readonly refuse?: (action: ActionName | "writeVma") => KernelError | undefined
}

/**
 * A kernel without a simulator, for dry runs and tests: it grants every lock, performs every
 * operation as a line of `log` ("lock mmap read", "installPte", "unlock mmap read", ...) and
 * reports one anonymous 2 MiB VMA at address 0 to every lookup. It checks nothing at run time:
 * the types did that; `@mmguard/sim`'s layer is the kernel that re-checks.
 */
export const tracing = (
  options: TracingOptions = {},
): { readonly log: ReadonlyArray<string>; readonly layer: ReturnType<typeof layer> } => {
  const log: Array<string> = []
  const vma: VmaInfo = { id: 1, start: 0n, end: 0x20_0000n, pgoff: 0n, anonymous: true, flags: [] }
  const shape: KernelShape = {
    lock: (req) =>
      Effect.sync(() => {
        const acquired = !(options.busy && req.attempt === "try")
        log.push(`${acquired ? "lock" : "busy"} ${req.lock} ${req.mode}`)
        return acquired && req.lock === "vma" && req.mode === "read"
          ? { acquired, vma }
          : { acquired }
      }),
    unlock: (req) => Effect.sync(() => void log.push(`unlock ${req.lock} ${req.mode}`)),
    downgrade: () => Effect.sync(() => void log.push("downgrade")),
    findVma: () => Effect.succeed(vma),
    operate: (_mm, action) => {
      const refused = options.refuse?.(action)
      return refused ? Effect.fail(refused) : Effect.sync(() => void log.push(action))
    },
  }
  return { log, layer: layer(shape) }
}
