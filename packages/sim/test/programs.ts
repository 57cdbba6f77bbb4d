// Random task programs over the scenario layout, for the property tests.
import fc from "fast-check"
import { type Program, Scenarios, type WorldSpec } from "../src/index.js"

const addr = fc.constantFrom(512, 600, 2048, 2100, 8300, 40_000)
const mode = fc.constantFrom("read" as const, "write" as const)
const target: fc.Arbitrary<Program.LockTarget> = fc.oneof(
  fc.constant({ lock: "mmap" as const }),
  addr.map((a) => ({ lock: "anonVma" as const, addr: a })),
  fc.constant({ lock: "iMmap" as const, file: "libfoo" }),
  fc.constant({ lock: "pageTableLock" as const }),
  addr.map((a) => ({ lock: "pte" as const, addr: a })),
  addr.map((a) => ({ lock: "pmd" as const, addr: a })),
  fc.constant({ lock: "class" as const, cls: "i_rwsem" as const, name: "inode" }),
)
export const step: fc.Arbitrary<Program.Step> = fc.oneof(
  fc.tuple(target, mode).map(([t, m]) => ({ op: "lock", mode: m, ...t }) as Program.Step),
  fc.tuple(target, mode).map(([t, m]) => ({ op: "unlock", mode: m, ...t }) as Program.Step),
  fc
    .tuple(target, mode)
    .map(([t, m]) => ({ op: "trylock", mode: m, onFail: "end", ...t }) as Program.Step),
  addr.map((a) => ({ op: "lockVmaUnderRcu", addr: a, onFail: "end" }) as const),
  addr.map((a) => ({ op: "vmaEndRead", addr: a }) as const),
  addr.map((a) => ({ op: "vmaStartWrite", addr: a }) as const),
  addr.map((a) => ({ op: "vmaStartWriteKillable", addr: a }) as const),
  addr.map((a) => ({ op: "vmaStartReadLocked", addr: a, onFail: "end" }) as const),
  addr.map((a) => ({ op: "findVma", addr: a, onFail: "end" }) as const),
  fc
    .tuple(fc.constantFrom("installPte", "changeAccessDirty"), addr)
    .map(([action, a]) => ({ op: "do", action, addr: a }) as Program.Step),
  fc
    .tuple(addr, fc.boolean())
    .map(([a, recheck]) => ({ op: "pteOffsetMapLock", addr: a, onFail: "end", recheck }) as const),
  addr.map((a) => ({ op: "pteUnmapUnlock", addr: a }) as const),
  fc.constantFrom<Program.Step>(
    { op: "mmapWriteDowngrade" },
    { op: "rcuReadLock" },
    { op: "rcuReadUnlock" },
    { op: "synchronizeRcu" },
  ),
  fc
    .tuple(
      fc.constantFrom(
        "installPte",
        "zapRange",
        "changeAccessDirty",
        "freePgtables",
        "movePageTables",
        "retractPteTable",
        "setAnonVma",
        "detachVma",
        "walk",
      ),
      addr,
    )
    .map(([action, a]) => ({ op: "do", action, addr: a, end: a + 512, to: 4096 }) as Program.Step),
  addr.map((a) => ({ op: "writeVma", addr: a, field: "vm_flags", value: [] }) as const),
  fc
    .tuple(addr, fc.constantFrom(1, 2))
    .map(
      ([a, value]) =>
        ({ op: "writeVma", addr: a, field: "swap_readahead_info", value, atomic: true }) as const,
    ),
)
export const spec = (programs: ReadonlyArray<ReadonlyArray<Program.Step>>): WorldSpec => ({
  mms: Scenarios.layout,
  tasks: programs.map((program, i) => ({ name: `t${i}`, mm: "proc", program })),
})

const lockable = fc.constantFrom<Program.LockTarget>(
  { lock: "mmap" },
  { lock: "iMmap", file: "libfoo" },
  { lock: "class", cls: "i_rwsem", name: "inode" },
  { lock: "class", cls: "swap_lock", name: "swap" },
)
/** One critical section: take one or two locks, maybe an RCU section inside, drop them. */
const section = fc
  .tuple(
    fc.uniqueArray(lockable, { minLength: 1, maxLength: 2, selector: (t) => JSON.stringify(t) }),
    fc.constantFrom("read" as const, "write" as const),
    fc.boolean(),
  )
  .map(
    ([locks, m, rcu]): Array<Program.Step> => [
      ...locks.map((l) => ({ op: "lock", mode: m, ...l }) as Program.Step),
      ...(rcu ? [{ op: "rcuReadLock" } as const, { op: "rcuReadUnlock" } as const] : []),
      ...[...locks].reverse().map((l) => ({ op: "unlock", mode: m, ...l }) as Program.Step),
    ],
  )

/**
 * Well-formed programs: a balanced critical section in a random lock order, maybe followed by
 * synchronize_rcu. Sets of them are often safe, and may deadlock or invert.
 */
export const wellFormed: fc.Arbitrary<Array<Program.Step>> = fc
  .array(fc.tuple(section, fc.boolean()), { minLength: 1, maxLength: 1 })
  .map((parts) =>
    parts.flatMap(([s, sync]) => (sync ? [...s, { op: "synchronizeRcu" } as const] : s)),
  )

/**
 * The library's scenarios whose unreduced tree the soundness comparisons can afford (300,000
 * states). Five race longer compiled paths and are checked with the reduced searches only
 * (Scenarios.test.ts, RmapWalk.test.ts; killable-write also in "Explorer and kill moves"):
 * munmap (four tasks, over three million states unreduced), ptdump (1.7 million),
 * retract-revalidate (0.9 million), killable-write (0.65 million) and pt-reclaim (0.46 million).
 */
export const comparable = (): ReadonlyArray<Scenarios.Scenario> =>
  Scenarios.all.filter(
    (sc) =>
      !["munmap", "ptdump", "retract-revalidate", "killable-write", "pt-reclaim"].includes(sc.id),
  )
