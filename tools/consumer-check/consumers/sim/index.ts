// A user who installed only @mmguard/sim: build a world, explore a kernel scenario, walk a page.
import { Arch, Explorer, Frames, PageTable, Pte, Scenarios } from "@mmguard/sim"

const pt = new PageTable(Arch.x86_64_la57, new Frames())
const frames = pt.frames
const entry = Pte.make(frames.alloc(), Pte.PRESENT)
if (pt.install(2 ** 40, entry) !== undefined || pt.read(2 ** 40) !== entry)
  throw new Error("install/read failed")
const folded = new PageTable(Arch.i386, new Frames())
  .walk(5)
  .filter((s) => s.folded)
  .map((s) => s.level)
if (folded.join() !== "p4d,pud,pmd") throw new Error(`i386 folds ${folded.join()}`)

const munmap = Scenarios.all.find((s) => s.id === "munmap")
const bug = munmap?.variants[0]
if (!munmap || !bug) throw new Error("scenario library missing munmap")
const safe = Explorer.explore(munmap.spec)
const caught = Explorer.explore(bug.spec)
if (safe.verdict !== "safe" || caught.violation?.rule !== "P7")
  throw new Error("explorer verdicts changed")
console.log(`munmap: safe in ${safe.states} states; bug caught: ${caught.violation.message}`)
