// Two paths that each take the anon_vma locks of two VMAs, in opposite orders: each is fine
// alone, together they can deadlock (an ABBA inversion lockdep's class order cannot see).
import { Address, anonVmaLockWrite, findVma, Mm, mmapReadLock } from "@mmguard/core"
import * as Effect from "effect/Effect"

const mm = Mm.make("proc")
const heap = Effect.runSync(Address.pageAddr(600 * 4096))
const stack = Effect.runSync(Address.pageAddr(8300 * 4096))

const both = (first: Address.PageAddr, second: Address.PageAddr) =>
  mmapReadLock(
    mm,
    Effect.gen(function* () {
      const a = yield* findVma(mm, first)
      const b = yield* findVma(mm, second)
      yield* anonVmaLockWrite(a, anonVmaLockWrite(b, Effect.void))
    }),
  )

export const paths = { merge: both(heap, stack), split: both(stack, heap) }
