// A user who installed only @mmguard/core (and effect): evaluate the rule table at run time,
// and dry-run a program on the tracing kernel.
import {
  Address,
  Check,
  downgradePhases,
  findVma,
  Kernel,
  Mm,
  mmapWriteDowngrade,
  readVma,
} from "@mmguard/core"
import * as Effect from "effect/Effect"

const verdict = Check.check("install", { anonVma: "write" })
if (verdict.ok || verdict.rule !== "P3")
  throw new Error(`unexpected verdict ${JSON.stringify(verdict)}`)
console.log(Check.explain(verdict))

// Write phase, then mmap_write_downgrade, then read the VMA under the read lock (V5).
const mm = Mm.make("proc1")
const program = Effect.flatMap(Address.pageAddr(0x1000), (addr) =>
  mmapWriteDowngrade(mm, (lock) =>
    downgradePhases(Effect.void, () => Effect.flatMap(findVma(lock, addr), readVma)),
  ),
)
const { layer, log } = Kernel.tracing()
const vma = await Effect.runPromise(program.pipe(Effect.provide(layer)))
const expected = ["lock mmap write", "downgrade", "readVma", "unlock mmap read"]
if (log.join() !== expected.join()) throw new Error(`unexpected trace ${log.join(", ")}`)
console.log(log.join(" -> "), vma)
