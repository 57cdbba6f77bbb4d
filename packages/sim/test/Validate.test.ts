// Every bad input to the public entry points is a SimError naming where and what, and nothing runs.
import { it as effectIt } from "@effect/vitest"
import { Kernel, KernelError } from "@mmguard/core"
import { Cause, Effect, Exit } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  Arch,
  Explorer,
  isSimError,
  KernelLayer,
  type Program,
  Scenarios,
  Scheduler,
  SimError,
  Validate,
  World,
  type WorldSpec,
} from "../src/index.js"
import { spec as specOf, step } from "./programs.js"

const proc = (vmas: ReadonlyArray<Record<string, unknown>>, program: ReadonlyArray<unknown> = []) =>
  ({
    mms: [{ name: "proc", vmas }],
    tasks: [{ name: "t0", mm: "proc", program }],
  }) as unknown as WorldSpec

/** A world whose task 1 ("second") runs `program` after a harmless task 0. */
const program = (...steps: ReadonlyArray<unknown>) =>
  ({
    mms: Scenarios.layout,
    tasks: [
      { name: "first", mm: "proc", program: [{ op: "rcuReadLock" }, { op: "rcuReadUnlock" }] },
      { name: "second", mm: "proc", program: [{ op: "rcuReadLock" }, ...steps] },
    ],
  }) as unknown as WorldSpec

/** Checks every entry point rejects `spec` with the same error, and returns that error. */
const rejected = (spec: WorldSpec): SimError => {
  const made = World.make(spec)
  if (!isSimError(made)) throw new Error("World.make accepted the spec")
  let thrown: unknown
  try {
    new World(spec)
  } catch (e) {
    thrown = e
  }
  expect(thrown).toEqual(made)
  expect(Scheduler.runChecked(spec, { kind: "roundRobin" })).toEqual(made)
  expect(() => Scheduler.run(spec, { kind: "roundRobin" })).toThrow(SimError)
  const explored = Explorer.explore(spec)
  expect(explored).toMatchObject({ verdict: "invalid", error: made, states: 0 })
  return made
}

describe("bad world specs (InvalidWorld)", () => {
  it("an empty VMA", () => {
    const e = rejected(proc([{ start: 600, end: 600 }]))
    expect(e).toMatchObject({
      kind: "InvalidWorld",
      rule: "L7",
      path: ["mms", 0, "vmas", 0, "end"],
    })
    expect(e.task).toBeUndefined()
    expect(e.message).toContain("[600, 600) is empty")
  })
  it("a VMA with its end below its start", () => {
    const e = rejected(proc([{ start: 700, end: 600 }]))
    expect(e).toMatchObject({ kind: "InvalidWorld", message: expect.stringContaining("empty") })
  })
  it("overlapping VMAs", () => {
    const e = rejected(
      proc([
        { start: 512, end: 1024 },
        { start: 2048, end: 4096 },
        { start: 1000, end: 1100 },
      ]),
    )
    expect(e).toMatchObject({
      kind: "InvalidWorld",
      rule: "L7",
      path: ["mms", 0, "vmas", 2, "start"],
    })
    expect(e.message).toContain("[1000, 1100) overlaps VMA 0 [512, 1024)")
  })
  it("a VMA outside the architecture's user address space", () => {
    const i386 = Arch.all.find((a) => a.name.startsWith("i386")) as Arch.Arch
    const e = rejected({ ...proc([{ start: 0, end: i386.userPages + 1 }]), arch: i386 })
    expect(e).toMatchObject({
      kind: "InvalidWorld",
      rule: "P1",
      path: ["mms", 0, "vmas", 0, "end"],
    })
    expect(e.message).toContain(`outside the 31-bit user address space`)
    // The same VMA fits x86-64's 47-bit user space.
    expect(isSimError(World.make(proc([{ start: 0, end: i386.userPages + 1 }])))).toBe(false)
  })
  it("a mapped page outside its VMA", () => {
    const e = rejected(proc([{ start: 512, end: 1024, mapped: [512, 2000] }]))
    expect(e).toMatchObject({ kind: "InvalidWorld", path: ["mms", 0, "vmas", 0, "mapped", 1] })
  })
  it("a task naming an unknown mm", () => {
    const spec = { ...proc([]), tasks: [{ name: "lost", mm: "nowhere", program: [] }] }
    const e = rejected(spec as WorldSpec)
    expect(e).toMatchObject({ kind: "InvalidWorld", task: 0, path: ["mm"] })
    expect(e.step).toBeUndefined()
    expect(e.message).toBe('task 0 (lost), mm: unknown mm "nowhere": the world has "proc"')
  })
  it("two tasks with one name (violations name tasks)", () => {
    const spec = {
      ...proc([]),
      tasks: [0, 1].map(() => ({ name: "twin", mm: "proc", program: [] })),
    }
    expect(rejected(spec as WorldSpec)).toMatchObject({
      kind: "InvalidWorld",
      task: 1,
      path: ["name"],
    })
  })
  it("an architecture that Arch.define rejects", () => {
    const bad = { ...Arch.x86_64, userBits: 80 }
    const e = rejected({ ...proc([]), arch: bad })
    expect(e).toMatchObject({ kind: "InvalidWorld", rule: "P1", path: ["arch"] })
    expect(e.message).toContain("80 user bits")
  })
})

describe("bad programs (InvalidProgram)", () => {
  const at = (e: SimError, path: ReadonlyArray<string | number>) =>
    expect(e).toMatchObject({ kind: "InvalidProgram", task: 1, step: 1, path })
  it("an unknown op", () => {
    const e = rejected(program({ op: "mmapLockEverything" }))
    at(e, ["op"])
    expect(e.message).toMatch(/^task 1 \(second\), step 1, op: unknown op "mmapLockEverything"/)
    expect(e.message).toContain("lockVmaUnderRcu")
  })
  it("a goto to a label that does not exist", () => {
    const e = rejected(program({ op: "goto", to: "retry" }))
    at(e, ["to"])
    expect(e.message).toContain('no step is labelled "retry"')
  })
  it("an onFail to a label that does not exist", () => {
    const e = rejected(program({ op: "lockVmaUnderRcu", addr: 600, onFail: "fallback" }))
    at(e, ["onFail"])
    expect(e.message).toContain('"fallback"')
  })
  it("a label used twice", () => {
    const e = rejected(
      program({ op: "rcuReadUnlock", label: "a" }, { op: "goto", to: "a", label: "a" }),
    )
    expect(e).toMatchObject({ kind: "InvalidProgram", task: 1, step: 2, path: ["label"] })
    expect(e.message).toContain('label "a" is already used by step 1')
  })
  it("'end' ends the program without a label", () => {
    expect(isSimError(World.make(program({ op: "goto", to: "end" })))).toBe(false)
  })
  for (const [what, addr] of [
    ["NaN", Number.NaN],
    ["negative", -1],
    ["fractional", 600.5],
    ["infinite", Number.POSITIVE_INFINITY],
    ["a string", "600"],
  ] as const)
    it(`a ${what} address`, () => {
      const e = rejected(program({ op: "do", action: "zapRange", addr }))
      at(e, ["addr"])
      expect(e.message).toContain(`got ${typeof addr === "string" ? '"600"' : String(addr)}`)
    })
  it("an address beyond the user address space", () => {
    const e = rejected(program({ op: "vmaStartWrite", addr: 2 ** 40 }))
    at(e, ["addr"])
    expect(e).toMatchObject({ rule: "P1", message: expect.stringContaining("outside the 47-bit") })
  })
  it("a range whose end is not above its start", () => {
    at(rejected(program({ op: "do", action: "zapRange", addr: 600, end: 600 })), ["end"])
  })
  it("a writeVma of an unknown field", () => {
    const e = rejected(program({ op: "writeVma", addr: 600, field: "vm_colour", value: 1 }))
    at(e, ["field"])
    expect(e.message).toContain('got "vm_colour"')
    expect(e.message).toContain('"vm_start"')
  })
  it("a writeVma of a value the field cannot hold", () => {
    const e = rejected(program({ op: "writeVma", addr: 600, field: "vm_flags", value: 3 }))
    at(e, ["value"])
    expect(e.message).toContain("vm_flags: expected an array of read, write")
  })
  it("an atomic writeVma of a field that is not accessed atomically", () => {
    const e = rejected(
      program({ op: "writeVma", addr: 600, field: "vm_flags", value: [], atomic: true }),
    )
    at(e, ["atomic"])
    expect(e).toMatchObject({
      rule: "F6",
      message: expect.stringContaining("not accessed atomically"),
    })
  })
  it("a do of an unknown action", () => {
    const e = rejected(program({ op: "do", action: "explode", addr: 600 }))
    at(e, ["action"])
    expect(e.message).toContain('got "explode"')
    expect(e.message).toContain('"freePgtables"')
  })
  it("a lock of an unknown lock kind", () => {
    const e = rejected(program({ op: "lock", lock: "bigKernelLock" }))
    at(e, ["lock"])
    expect(e.message).toContain('unknown lock kind "bigKernelLock": expected one of mmap, anonVma')
  })
  it("a lock of an unknown mode, or of an unknown lock class", () => {
    at(rejected(program({ op: "lock", lock: "mmap", mode: "exclusive" })), ["mode"])
    at(rejected(program({ op: "lock", lock: "class", cls: "bkl", name: "x" })), ["cls"])
  })
  it("a misspelt field (nothing is silently ignored)", () => {
    const e = rejected(program({ op: "lock", lock: "mmap", mod: "read" }))
    at(e, ["mod"])
  })
  it("a step that is not an object", () => {
    const e = rejected(program(null))
    at(e, [])
    expect(e.message).toContain("a step must be an object, got null")
  })
})

describe("bad schedules (InvalidSchedule)", () => {
  const ok = program({ op: "rcuReadLock" }, { op: "rcuReadUnlock" })
  it("an explicit schedule naming a task that does not exist", () => {
    const e = Scheduler.runChecked(ok, { kind: "explicit", schedule: [0, 1, 2, 0] })
    expect(e).toMatchObject({ kind: "InvalidSchedule", path: ["schedule", 2] })
    expect((e as SimError).message).toContain("move 2 names task 2: the world has 2 tasks")
    expect(() => Scheduler.run(ok, { kind: "explicit", schedule: [7] })).toThrow(SimError)
  })
  it("a valid schedule and world come back as given", () => {
    expect(Validate.schedule(ok, [0, 1, 1, 0])).toEqual([0, 1, 1, 0])
    expect(Validate.world(ok)).toBe(ok)
    for (const s of Scenarios.all)
      for (const spec of [s.spec, ...s.variants.map((v) => v.spec)])
        expect(Validate.world(spec)).toBe(spec)
  })
  it("a spec changed after it was found valid is checked again", () => {
    const program: Array<unknown> = [{ op: "rcuReadLock" }, { op: "rcuReadUnlock" }]
    const spec = { mms: Scenarios.layout, tasks: [{ name: "t", mm: "proc", program }] }
    expect(isSimError(World.make(spec))).toBe(false)
    program.push({ op: "do", action: "zapRange", addr: Number.NaN })
    expect(World.make(spec)).toMatchObject({ kind: "InvalidProgram", step: 2, path: ["addr"] })
    program[2] = { op: "do", action: "zapRange", addr: 600, end: undefined }
    expect(World.make(spec)).toMatchObject({ kind: "InvalidProgram", step: 2 })
  })
  it("a malformed move, policy or budget", () => {
    expect(Scheduler.runChecked(ok, { kind: "explicit", schedule: [0.5] })).toMatchObject({
      kind: "InvalidSchedule",
      path: ["schedule", 0],
    })
    const policy = { kind: "fair" } as unknown as Scheduler.Policy
    expect(Scheduler.runChecked(ok, policy)).toMatchObject({ kind: "InvalidSchedule" })
    expect(Scheduler.runChecked(ok, { kind: "roundRobin" }, -1)).toMatchObject({
      kind: "InvalidSchedule",
      path: ["maxSteps"],
    })
  })
})

describe("steps of an external driver (World.act, KernelLayer)", () => {
  it("a malformed step is returned as a SimError and does not run", () => {
    const w = new World(program())
    const before = w.fingerprint()
    const e = w.act(0, { op: "do", action: "explode", addr: 600 } as unknown as Program.Step)
    expect(e).toMatchObject({ kind: "InvalidProgram", step: 0, path: ["action"] })
    expect(w.trace).toEqual([])
    expect(w.fingerprint()).toBe(before)
    // The driver's failure branch is its own: a label need not exist.
    expect(w.act(0, { op: "findVma", addr: 40_000, onFail: "none" })).not.toBeInstanceOf(SimError)
  })
  effectIt.effect(
    "KernelLayer fails a core program's malformed step with the SimError's text",
    () =>
      Effect.gen(function* () {
        const w = new World({
          mms: Scenarios.layout,
          tasks: [{ name: "driver", mm: "proc", program: [] }],
        })
        // The kernel service as core's operations call it: a field write of a value that
        // vm_flags cannot hold.
        const vma = w.vmaFor(0, 600)?.id ?? 0
        const flags = Effect.flatMap(Effect.service(Kernel.Kernel), (k) =>
          k.operate("proc", "writeVma", { vma, field: "vm_flags", value: 42 }),
        )
        const exit = yield* Effect.exit(flags.pipe(Effect.provide(KernelLayer.layer(w, 0))))
        const error = Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined
        expect(error).toBeInstanceOf(KernelError.RuleViolation)
        expect((error as KernelError.RuleViolation).rule).toBe("input")
        expect((error as { message: string }).message).toContain(
          "vm_flags: expected an array of read",
        )
        expect(w.mms.get("proc")?.find(600)?.flags).toEqual([
          "read",
          "write",
          "mayread",
          "maywrite",
        ])
      }),
  )
})

// --- the property: random malformed inputs never throw anything but a SimError, never run ---

/** Garbage for any position of a spec. */
const junk = fc.constantFrom<unknown>(
  Number.NaN,
  -1,
  0.5,
  2 ** 60,
  Number.POSITIVE_INFINITY,
  "",
  "bogus",
  null,
  undefined,
  {},
  [],
  [1],
  { op: "goto" },
  true,
)

/** Every path to a value inside `x` (objects and arrays). */
const paths = (x: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> => {
  if (typeof x !== "object" || x === null) return []
  const keys = Array.isArray(x) ? x.map((_, i) => i) : Object.keys(x)
  return keys.flatMap((k) => [
    [...prefix, k],
    ...paths((x as Record<string | number, unknown>)[k], [...prefix, k]),
  ])
}

/** A copy of `x` with the value at `path` replaced (or the key deleted when `value` is `del`). */
const del = Symbol("delete")
const setAt = (x: unknown, path: ReadonlyArray<string | number>, value: unknown): unknown => {
  if (path.length === 0) return value
  const [k, ...rest] = path as [string | number, ...Array<string | number>]
  const copy = (Array.isArray(x) ? [...x] : { ...(x as object) }) as Record<
    string | number,
    unknown
  >
  const next = setAt(copy[k], rest, value)
  if (next === del) delete copy[k]
  else copy[k] = next
  return copy
}

/** Random edits: each picks a path of the value (by index, modulo) and what to put there. */
const edits = (min: number) =>
  fc.array(fc.tuple(fc.nat(), fc.oneof(junk, fc.constant(del))), { minLength: min, maxLength: 3 })

/** `x` with `edits` applied in turn. */
const mutate = (x: unknown, changes: ReadonlyArray<readonly [number, unknown]>): unknown =>
  changes.reduce<unknown>((s, [n, value]) => {
    const all = paths(s)
    return all.length === 0 ? s : setAt(s, all[n % all.length] as Array<string | number>, value)
  }, x)

/** A valid spec (random programs or a scenario) with one to three random mutations. */
const mutated = fc
  .tuple(
    fc.oneof(
      fc.array(fc.array(step, { maxLength: 6 }), { minLength: 1, maxLength: 3 }).map(specOf),
      fc.constantFrom(...Scenarios.all.map((s) => s.spec)),
    ),
    edits(1),
  )
  .map(([spec, changes]) => mutate(spec, changes))

describe("malformed specs and programs (property)", () => {
  it("are rejected with a SimError before anything runs, or run without throwing", () => {
    fc.assert(
      fc.property(mutated, fc.integer({ min: 0, max: 1000 }), (input, seed) => {
        const made = World.make(input)
        const ran = Scheduler.runChecked(input as WorldSpec, { kind: "random", seed }, 200)
        if (isSimError(made)) {
          expect(made.kind).toMatch(/^Invalid(World|Program)$/)
          expect(ran).toEqual(made)
          expect(() => new World(input as WorldSpec)).toThrow(SimError)
          expect(Explorer.explore(input as WorldSpec, { maxStates: 50 })).toMatchObject({
            verdict: "invalid",
            states: 0,
          })
        } else {
          // Valid after all (the mutation kept the language): it runs, and never throws.
          expect(isSimError(ran)).toBe(false)
          Explorer.explore(input as WorldSpec, { maxStates: 200 })
        }
      }),
      { numRuns: 400 },
    )
  })
  it("steps given to a running world never throw and, when rejected, change nothing", () => {
    fc.assert(
      fc.property(step, edits(0), (s, changes) => {
        const bad = mutate(s, changes)
        const w = new World(specOf([[]]))
        const before = w.fingerprint()
        const r = w.act(0, bad as Program.Step)
        if (isSimError(r)) {
          expect(r.kind).toBe("InvalidProgram")
          expect(w.fingerprint()).toBe(before)
          expect(w.trace).toEqual([])
        }
      }),
      { numRuns: 400 },
    )
  })
})
