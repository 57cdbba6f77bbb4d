/**
 * The simulator as core's kernel service: an Effect layer whose every lock and operation is a
 * step of one driver task in a `World`, checked by the world's checker. A step that breaks a
 * rule fails the effect with `RuleViolation` naming the rule (after the world recorded it), so
 * core's lock scopes release what they hold on the way out.
 *
 * @since 0.1.0
 */

import { Kernel, KernelError } from "@mmguard/core"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as KernelSteps from "./KernelSteps.js"
import type { Step } from "./Program.js"
import { isSimError } from "./SimError.js"
import type { World } from "./World.js"

/**
 * A layer driving task `task` of `world` (give it a task with an empty program). Addresses
 * from core are byte addresses; the world works in page numbers.
 */
export const layer = (world: World, task: number): Layer.Layer<Kernel.Provided> => {
  const shift = world.arch.pageShift
  const resolver = KernelSteps.resolverOf(world, task)
  const vpn = (addr: bigint | undefined) => KernelSteps.vpn(resolver, addr)
  /** Runs a step; fails with the first violation it caused, or why the step is invalid. */
  const act = (step: Step) =>
    Effect.suspend(() => {
      const before = world.violations.length
      const r = world.act(task, step)
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
  // How each PTE lock (by page) was taken, innermost last, to release it the same way.
  const ptes = new Map<number, Array<KernelSteps.PteHow>>()
  const pteTaken = (req: Kernel.LockRequest, how: KernelSteps.PteHow) => {
    const page = vpn(req.addr)
    ptes.set(page, [...(ptes.get(page) ?? []), how])
    return { acquired: true }
  }
  /** pte_offset_map_lock runs in phases (map, lock, re-check): act until it ends. */
  const mapLock = (s: Step, req: Kernel.LockRequest) =>
    Effect.gen(function* () {
      for (let phase = 0; phase < 3; phase++) {
        if ((yield* act(s)) === "ran") return pteTaken(req, "mapped")
        if (world.tasks[task]?.ptl === undefined) break
      }
      yield* act(KernelSteps.pteAllocStep(resolver, req))
      return pteTaken(req, "allocated")
    })
  const shape: Kernel.KernelShape = {
    lock: (req) => {
      const s = KernelSteps.lockStep(resolver, req, "busy")
      if (s === undefined) return Effect.succeed({ acquired: true })
      if (s.op === "pteOffsetMapLock") return mapLock(s, req)
      if (s.op === "lockVmaUnderRcu" || s.op === "vmaStartReadLocked")
        return Effect.map(act(s), (r) => {
          const v = r === "ran" ? world.vmaReadHeld(task, s.addr) : undefined
          return v ? { acquired: true, vma: KernelSteps.vmaInfo(v, shift) } : { acquired: false }
        })
      if (s.op === "vmaStartWriteKillable")
        return Effect.flatMap(act(s), (r) =>
          r === "ran"
            ? Effect.succeed({ acquired: true })
            : Effect.fail(new KernelError.Killed({ rule: "L1" })),
        )
      return Effect.map(act(s), (r) => ({ acquired: r === "ran" }))
    },
    unlock: (req) => {
      const how = req.lock === "pteLock" ? ptes.get(vpn(req.addr))?.pop() : undefined
      const s = KernelSteps.unlockStep(resolver, req, how)
      return s === undefined ? Effect.void : Effect.asVoid(act(s))
    },
    downgrade: () => Effect.asVoid(act(KernelSteps.downgradeStep)),
    findVma: (_mm, addr) =>
      Effect.flatMap(act(KernelSteps.findVmaStep(resolver, addr, "none")), (r) => {
        const v = r === "ran" ? world.vmaFor(task, vpn(addr)) : undefined
        return v
          ? Effect.succeed(KernelSteps.vmaInfo(v, shift))
          : Effect.fail(new KernelError.NoVma({ addr, rule: "L6" }))
      }),
    rmapWalk: (req) =>
      Effect.sync(() =>
        KernelSteps.rmapWalkVmas(resolver, req).map(({ mm, vma }) =>
          KernelSteps.vmaInfo(vma, shift, mm),
        ),
      ),
    operate: (_mm, action, args) => {
      const s = KernelSteps.operateStep(resolver, action, args)
      const page = KernelSteps.operationPage(resolver, args)
      if (action === "readPte")
        return Effect.map(act(s), () => KernelSteps.readPteResult(world, task, page))
      if (action !== "readVma") return act(s)
      return Effect.map(act(s), () => {
        const v = world.vmaFor(task, page)
        return v && KernelSteps.vmaInfo(v, shift)
      })
    },
  }
  return Kernel.layer(shape)
}
