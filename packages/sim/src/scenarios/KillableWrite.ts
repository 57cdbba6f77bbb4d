/**
 * Scenario "killable-write": a VMA write lock taken with vma_start_write_killable while a page
 * fault holds the VMA's read lock; a fatal signal may end the wait.
 * Kernel path: vma_start_write_killable (-EINTR on a fatal signal) vs lock_vma_under_rcu.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import type { Program } from "../Compile.js"
import { api, mm, page } from "./kernel.js"
import { fault } from "./paths.js"
import { ANON, define, STACK } from "./Scenario.js"

const { findVma, mmapWriteLock, vmaStartWrite, vmaStartWriteKillable, writeVma } = api

/**
 * A writer that write-locks the stack VMA, then the anonymous one killably. On -EINTR it still
 * holds the mmap write lock and the stack VMA's write lock, and puts the stack VMA's flags
 * back (its error path).
 */
const writer: Program = mmapWriteLock(mm, (lock) =>
  Effect.gen(function* () {
    const stack = yield* findVma(lock, page(STACK))
    const anon = yield* findVma(lock, page(ANON))
    yield* vmaStartWrite(
      stack,
      Effect.andThen(
        writeVma(stack, "vm_flags", ["read"]),
        vmaStartWriteKillable(anon, writeVma(anon, "vm_flags", ["read"])).pipe(
          Effect.catchTag("VmaStartWriteInterrupted", () =>
            writeVma(stack, "vm_flags", ["read", "write"]),
          ),
        ),
      ),
    )
  }),
)

/** The same writer ignoring the result of vma_start_write_killable: it writes the VMA anyway. */
// @ts-expect-error LockRequired<"VmaWriteLock", "proc">
const ignoresEintr: Program = mmapWriteLock(mm, (lock) =>
  Effect.gen(function* () {
    const stack = yield* findVma(lock, page(STACK))
    yield* vmaStartWrite(stack, writeVma(stack, "vm_flags", ["read"]))
    const anon = yield* findVma(lock, page(ANON))
    yield* Effect.ignore(vmaStartWriteKillable(anon, Effect.void))
    yield* writeVma(anon, "vm_flags", ["read"])
  }),
)

/** The scenario, with its buggy variants. */
export const scenario = define({
  id: "killable-write",
  addr: ANON,
  title: "vma_start_write_killable waits for a fault and may be killed",
  kernelPath: "vma_start_write_killable (returns -EINTR) vs do_user_addr_fault",
  rules: ["L11", "V4", "L3"],
  paths: { writer, fault: fault(ANON) },
  variants: [
    {
      id: "ignore-eintr",
      title: "The result of vma_start_write_killable ignored: the VMA is written unlocked",
      caught: "compile",
      paths: { writer: ignoresEintr, fault: fault(ANON) },
      expected: { rule: "L11", kind: "rule" },
    },
  ],
})
