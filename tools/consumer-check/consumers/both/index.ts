// A user of both packages: a kernel-style page fault written with @mmguard/core, run against
// @mmguard/sim's kernel layer, with the locks really taken in the simulated world.
import {
  Address,
  findVma,
  installPte,
  lockVmaUnderRcu,
  Mm,
  mmapReadLock,
  pteOffsetMapLock,
} from "@mmguard/core"
import { KernelLayer, Scenarios, World } from "@mmguard/sim"
import * as Effect from "effect/Effect"

const world = new World({
  mms: Scenarios.layout,
  tasks: [{ name: "driver", mm: "proc", program: [] }],
})
const mm = Mm.make("proc")
const fault = Effect.gen(function* () {
  const addr = yield* Address.pageAddr(600n * 4096n)
  const pfn = yield* Address.pfn(4096)
  return yield* lockVmaUnderRcu(mm, addr, {
    onLocked: (vma) => pteOffsetMapLock(vma, addr, (pte) => installPte(pte, addr, pfn)),
    onFallback: () =>
      mmapReadLock(mm, (lock) =>
        Effect.flatMap(findVma(lock, addr), (vma) =>
          pteOffsetMapLock(vma, addr, (pte) => installPte(pte, addr, pfn)),
        ),
      ),
  })
})
await Effect.runPromise(fault.pipe(Effect.provide(KernelLayer.layer(world, 0))))
if (world.mms.get("proc")?.pt.read(600) === 0) throw new Error("the fault mapped nothing")
if (world.violations.length > 0) throw new Error(world.violations[0]?.message)
console.log("page fault handled under lock_vma_under_rcu; no violation")
