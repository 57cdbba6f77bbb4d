// munmap that forgets the mmap write lock around free_pgtables.
import {
  Address,
  detachVma,
  findVma,
  freePgtables,
  Mm,
  mmapWriteLock,
  vmaStartWrite,
  zapRange,
} from "@mmguard/core"
import * as Effect from "effect/Effect"

const mm = Mm.make("proc")
const start = Effect.runSync(Address.pageAddr(512 * 4096))
const end = Effect.runSync(Address.pageAddr(1024 * 4096))

const munmap = Effect.andThen(
  mmapWriteLock(
    mm,
    Effect.flatMap(findVma(mm, start, { via: "mmap", mode: "write" }), (vma) =>
      vmaStartWrite(vma, Effect.andThen(detachVma(vma), zapRange(vma, start, end))),
    ),
  ),
  freePgtables(mm, start, end),
)

export const paths = { munmap }
