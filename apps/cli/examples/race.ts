// Two paths that each take the anon_vma locks of two VMAs, in opposite orders: each is fine
// alone, together they can deadlock (an ABBA inversion lockdep's class order cannot see).
import { Address, anonVmaLockWrite, anonVmaOf, findVma, Mm, mmapReadLock, Vma } from "@mmguard/core"
import * as Effect from "effect/Effect"

const mm = Mm.make("proc")
const heap = Effect.runSync(Address.pageAddr(600 * 4096))
const stack = Effect.runSync(Address.pageAddr(8300 * 4096))

const both = (first: Address.PageAddr, second: Address.PageAddr) =>
  mmapReadLock(mm, (lock) =>
    Effect.gen(function* () {
      const a = yield* findVma(lock, first)
      const b = yield* findVma(lock, second)
      if (!Vma.hasKind(a, "anonymous") || !Vma.hasKind(b, "anonymous")) return
      const [outer, inner] = [yield* anonVmaOf(a), yield* anonVmaOf(b)]
      yield* anonVmaLockWrite(outer, () => anonVmaLockWrite(inner, () => Effect.void))
    }),
  )

export const paths = { merge: both(heap, stack), split: both(stack, heap) }
