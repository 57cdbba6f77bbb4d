/**
 * Scenario "stack-expansion": The stack grows down while a fault runs.
 * Kernel path: expand_downwards -> vma_start_write -> anon_vma_lock_write.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { Program } from "../Compile.js"
import { api, mm, page } from "./kernel.js"
import { fault } from "./paths.js"
import { define, STACK } from "./Scenario.js"

const { anonVmaLockWrite, anonVmaOf, findVma, mmapWriteLock, vmaStartWrite, writeVma } = api

/** expand_downwards: vm_start moves under mmap + VMA write and the anon_vma lock (V6, F1). */
const expandStack: Program = mmapWriteLock(mm, (lock) =>
  Effect.gen(function* () {
    const vma = yield* findVma(lock, page(STACK))
    if (!api.Vma.hasKind(vma, "anonymous")) return
    const av = yield* anonVmaOf(vma)
    yield* vmaStartWrite(
      vma,
      anonVmaLockWrite(av, () => writeVma(vma, "vm_start", page(8000))),
    )
  }),
)

/** The same without vma_start_write: a lock_vma_under_rcu reader may see vm_start move. */
// @ts-expect-error LockRequired<"VmaWriteLock", "proc">
const noVmaWrite: Program = mmapWriteLock(mm, (lock) =>
  Effect.gen(function* () {
    const vma = yield* findVma(lock, page(STACK))
    if (!api.Vma.hasKind(vma, "anonymous")) return
    const av = yield* anonVmaOf(vma)
    yield* anonVmaLockWrite(av, () => writeVma(vma, "vm_start", page(8000)))
  }),
)

/** The scenario, with its buggy variants. */
export const scenario = define({
  id: "stack-expansion",
  addr: STACK,
  title: "The stack grows down while a fault runs",
  kernelPath: "expand_downwards -> vma_start_write -> anon_vma_lock_write",
  rules: ["V6", "F1", "P12"],
  paths: { expand: expandStack, fault: fault(STACK) },
  variants: [
    {
      id: "no-vma-write",
      title: "vm_start moved without vma_start_write",
      caught: "compile",
      paths: { expand: noVmaWrite },
      expected: { rule: "F1", kind: "rule" },
    },
  ],
})
