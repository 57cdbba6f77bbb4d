// munmap that downgrades the mmap lock but frees the page tables without detaching the VMA
// first: under the read lock, free_pgtables needs the proof of the detach (P7 rev 2).
import {
  Address,
  downgradePhases,
  findVma,
  freePgtables,
  Mm,
  mmapWriteDowngrade,
  zapRange,
} from "@mmguard/core"
import * as Effect from "effect/Effect"

const mm = Mm.make("proc")
const start = Effect.runSync(Address.pageAddr(512 * 4096))
const end = Effect.runSync(Address.pageAddr(1024 * 4096))

const munmap = mmapWriteDowngrade(mm, (lock) =>
  downgradePhases(findVma(lock, start), (vma) =>
    Effect.andThen(zapRange(vma, start, end), freePgtables(lock, start, end)),
  ),
)

export const paths = { munmap }
