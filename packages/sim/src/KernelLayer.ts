/**
 * The simulator as core's kernel service: an Effect layer whose every lock and operation is a
 * step of one driver task in a `World`, checked by the world's checker. A step that breaks a
 * rule fails the effect with `RuleViolation` naming the rule (after the world recorded it), so
 * core's lock scopes release what they hold on the way out.
 *
 * @since 0.1.0
 */

import { type Vma as CoreVma, Kernel, KernelError, type Requirement } from "@mmguard/core"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type { Step } from "./Program.js"
import { isSimError } from "./SimError.js"
import type { Vma } from "./Vma.js"
import type { World } from "./World.js"

const info = (v: Vma, shift: number): CoreVma.VmaInfo => ({
  id: v.id,
  start: BigInt(v.start) << BigInt(shift),
  end: BigInt(v.end) << BigInt(shift),
  pgoff: BigInt(v.pgoff),
  anonymous: v.file === undefined,
  flags: v.flags,
})

/**
 * A layer driving task `task` of `world` (give it a task with an empty program). Addresses
 * from core are byte addresses; the world works in page numbers.
 */
export const layer = (
  world: World,
  task: number,
): Layer.Layer<Kernel.Kernel | Requirement.MmapLockTaken<string>> => {
  const shift = world.arch.pageShift
  const vpn = (addr: bigint | undefined) => Number((addr ?? 0n) >> BigInt(shift))
  /** Runs a step; fails with the first violation it caused, or why the step is invalid. */
  const act = (s: Step) =>
    Effect.suspend(() => {
      const before = world.violations.length
      const r = world.act(task, s)
      if (isSimError(r))
        return Effect.fail(new KernelError.RuleViolation({ rule: r.rule, message: r.message }))
      const v = world.violations[before]
      if (v) return Effect.fail(new KernelError.RuleViolation({ rule: v.rule, message: v.message }))
      if (r === "blocked")
        return Effect.fail(
          new KernelError.RuleViolation({
            rule: "L10",
            message: "the lock is held elsewhere: the driver would sleep forever",
          }),
        )
      return Effect.succeed(r)
    })
  const vmaStart = (id: number | undefined) =>
    id === undefined ? 0 : (world.vmaById(task, id)?.start ?? 0)
  const target = (req: Kernel.LockRequest): Step | undefined => {
    const mode = req.mode === "held" ? undefined : req.mode
    switch (req.lock) {
      case "mmap":
        return { op: "lock", lock: "mmap", mode: mode ?? "read" }
      case "anonVma":
        return { op: "lock", lock: "anonVma", addr: vmaStart(req.vma), mode: mode ?? "read" }
      case "iMmap": {
        const file = req.vma === undefined ? undefined : world.vmaById(task, req.vma)?.file?.name
        return { op: "lock", lock: "iMmap", file: file ?? "", mode: mode ?? "read" }
      }
      case "pageTableLock":
        return { op: "lock", lock: "pageTableLock" }
      case "pmdLock":
        return { op: "lock", lock: "pmd", addr: vpn(req.addr) }
      case "pteLock":
        return { op: "lock", lock: "pte", addr: vpn(req.addr) }
      default:
        return undefined
    }
  }
  const shape: Kernel.KernelShape = {
    lock: (req) => {
      if (req.lock === "vma" && req.mode === "read")
        return Effect.map(
          act({ op: "lockVmaUnderRcu", addr: vpn(req.addr), onFail: "busy" }),
          (r) => {
            const v = r === "ran" ? world.vmaReadHeld(task, vpn(req.addr)) : undefined
            return v ? { acquired: true, vma: info(v, shift) } : { acquired: false }
          },
        )
      if (req.lock === "vma")
        return Effect.as(act({ op: "vmaStartWrite", addr: vmaStart(req.vma) }), { acquired: true })
      if (req.lock === "rcu") return Effect.as(act({ op: "rcuReadLock" }), { acquired: true })
      if (req.lock === "vmaSetup") return Effect.succeed({ acquired: true })
      const s = target(req)
      if (s === undefined || s.op !== "lock") return Effect.succeed({ acquired: true })
      if (req.attempt === "try")
        return Effect.map(act({ ...s, op: "trylock", onFail: "busy" }), (r) => ({
          acquired: r === "ran",
        }))
      return Effect.as(act(s), { acquired: true })
    },
    unlock: (req) => {
      if (req.lock === "vma")
        return Effect.asVoid(act({ op: "vmaEndRead", addr: vmaStart(req.vma) }))
      if (req.lock === "rcu") return Effect.asVoid(act({ op: "rcuReadUnlock" }))
      const s = target(req)
      if (s === undefined || s.op !== "lock") return Effect.void
      return Effect.asVoid(act({ ...s, op: "unlock" }))
    },
    downgrade: () => Effect.asVoid(act({ op: "mmapWriteDowngrade" })),
    findVma: (_mm, addr) =>
      Effect.flatMap(act({ op: "findVma", addr: vpn(addr), onFail: "none" }), (r) => {
        const v = r === "ran" ? world.vmaFor(task, vpn(addr)) : undefined
        return v
          ? Effect.succeed(info(v, shift))
          : Effect.fail(new KernelError.NoVma({ addr, rule: "L6" }))
      }),
    operate: (_mm, action, args) => {
      const addr =
        args.vma !== undefined && args.addr === undefined ? vmaStart(args.vma) : vpn(args.addr)
      if (action === "writeVma") {
        // core passes byte addresses and bigints; the world keeps page numbers and numbers.
        const v = args.value
        const value =
          typeof v !== "bigint"
            ? v
            : args.field === "vm_start" || args.field === "vm_end"
              ? vpn(v)
              : Number(v)
        return act({ op: "writeVma", addr, field: args.field as never, value })
      }
      if (action === "readVma")
        return Effect.map(act({ op: "do", action, addr }), () => {
          const v = world.vmaFor(task, addr)
          return v && info(v, shift)
        })
      return act({
        op: "do",
        action,
        addr,
        ...(args.end === undefined ? {} : { end: vpn(args.end) }),
        ...(args.to === undefined ? {} : { to: vpn(args.to) }),
        ...(args.pfn === undefined ? {} : { pfn: Number(args.pfn) }),
      })
    },
  }
  return Kernel.layer(shape)
}
