/**
 * The checks of a decoded program that a schema cannot express: addresses inside the
 * architecture's user address space, values a VMA field can hold, atomic writes of atomic
 * fields only (F6), jump targets that exist, unique labels, and well-formed rmap-walk loops.
 *
 * @since 0.2.0
 */
import { Rules } from "@mmguard/core"
import type { Arch } from "../Arch.js"
import { endLabel, type Step } from "../Program.js"
import type { SimError } from "../SimError.js"
import { VmFlags } from "../Vma.js"
import { fail, show } from "./Issues.js"

/** Page `vpn` (or, with `end`, a range's exclusive end) must lie in the user address space. */
export const outside = (arch: Arch, vpn: number, end = false): string | undefined =>
  vpn > arch.userPages || (!end && vpn === arch.userPages)
    ? `page ${vpn} is outside the ${arch.userBits}-bit user address space (${arch.userPages} pages)`
    : undefined

/** Value checks of the `writeVma` fields the simulator keeps in its own VMA properties. */
const fieldValues: {
  readonly [F in Rules.VmaField]?: (arch: Arch, v: unknown) => string | undefined
} = {
  vm_start: (arch, v) => pageValue(arch, v, true),
  vm_end: (arch, v) => pageValue(arch, v, true),
  vm_pgoff: (_arch, v) =>
    Number.isSafeInteger(v) && (v as number) >= 0
      ? undefined
      : `expected a page offset, got ${show(v)}`,
  vm_flags: (_arch, v) =>
    Array.isArray(v) && v.every((f) => VmFlags.includes(f))
      ? undefined
      : `expected an array of ${VmFlags.join(", ")}, got ${show(v)}`,
  vm_page_prot: (_arch, v) =>
    Number.isSafeInteger(v) && (v as number) >= 0
      ? undefined
      : `expected a non-negative integer, got ${show(v)}`,
  vm_file: (_arch, v) =>
    v === undefined
      ? undefined
      : `the simulator can only clear vm_file (undefined), got ${show(v)}`,
}

const pageValue = (arch: Arch, v: unknown, end: boolean): string | undefined =>
  Number.isSafeInteger(v) && (v as number) >= 0
    ? outside(arch, v as number, end)
    : `expected a page number, got ${show(v)}`

/** Per-step checks against the architecture (labels are checked by `checkProgram`). */
export const checkStep = (
  arch: Arch,
  s: Step,
): { path: string; what: string; rule?: string } | undefined => {
  const a = "addr" in s ? outside(arch, s.addr) : undefined
  if (a) return { path: "addr", what: a, rule: "P1" }
  if (s.op === "do") {
    if (s.end !== undefined) {
      if (s.end <= s.addr) return { path: "end", what: `end ${s.end} must be above addr ${s.addr}` }
      const e = outside(arch, s.end, true)
      if (e) return { path: "end", what: e, rule: "P1" }
    }
    if (s.to !== undefined) {
      const t = outside(arch, s.to + (s.end ?? s.addr + 1) - s.addr, true)
      if (t) return { path: "to", what: `the destination range ends outside: ${t}`, rule: "P1" }
    }
  }
  if (s.op === "writeVma") {
    if (s.atomic && !Object.hasOwn(Rules.AtomicFields, s.field))
      return { path: "atomic", what: `${s.field} is not accessed atomically (F6)`, rule: "F6" }
    const bad = fieldValues[s.field]?.(arch, s.value)
    if (bad) return { path: "value", what: `${s.field}: ${bad}` }
  }
  return undefined
}

/** The labels a step jumps to, by field. */
const targetsOf = (s: Step): ReadonlyArray<readonly [string, string]> => {
  if (s.op === "goto") return [["to", s.to]]
  if (s.op === "rmapWalk") return [["done", s.done]]
  if (s.op === "rmapWalkNext") return [["walk", s.walk]]
  return "onFail" in s ? [["onFail", s.onFail]] : []
}

/**
 * The shape of rmap walks: each `rmapWalk` is labelled and closed by exactly one later
 * `rmapWalkNext` naming it, with no walk nested in its body; its page-offset range is not
 * reversed. Returns the step, field and problem of the first fault.
 */
const checkWalks = (
  program: ReadonlyArray<Step>,
  labels: ReadonlyMap<string, number>,
): { step: number; path: string; what: string } | undefined => {
  const closed = new Set<number>()
  for (const [i, s] of program.entries()) {
    if (s.op === "rmapWalk" && s.first > s.last)
      return {
        step: i,
        path: "last",
        what: `the page offsets [${s.first}, ${s.last}] are reversed`,
      }
    if (s.op !== "rmapWalkNext") continue
    const head = labels.get(s.walk) ?? -1
    const h = program[head]
    if (h?.op !== "rmapWalk" || head > i)
      return { step: i, path: "walk", what: `"${s.walk}" does not label an earlier rmapWalk step` }
    if (closed.has(head))
      return { step: i, path: "walk", what: `the walk "${s.walk}" is closed twice` }
    const nested = program.slice(head + 1, i).findIndex((x) => x.op === "rmapWalk")
    if (nested >= 0)
      return { step: head + 1 + nested, path: "op", what: `an rmap walk nested in "${s.walk}"` }
    closed.add(head)
  }
  const open = program.findIndex((s, i) => s.op === "rmapWalk" && !closed.has(i))
  return open < 0
    ? undefined
    : {
        step: open,
        path: "label",
        what: "an rmapWalk needs a label that a later rmapWalkNext names (the end of its body)",
      }
}

/** Labels unique, jump targets present, walks well formed, each step inside the architecture. */
export const checkProgram = (
  arch: Arch,
  program: ReadonlyArray<Step>,
  task: number,
  root: unknown,
): SimError | undefined => {
  const labels = new Map<string, number>()
  for (const [i, s] of program.entries()) {
    if (s.label === undefined) continue
    const first = labels.get(s.label)
    if (first !== undefined)
      return fail("InvalidProgram", root, `label "${s.label}" is already used by step ${first}`, {
        task,
        step: i,
        path: ["label"],
      })
    labels.set(s.label, i)
  }
  for (const [i, s] of program.entries()) {
    for (const [field, label] of targetsOf(s))
      if (label !== endLabel && !labels.has(label))
        return fail(
          "InvalidProgram",
          root,
          `no step is labelled "${label}" (nor is it "${endLabel}")`,
          { task, step: i, path: [field] },
        )
    const bad = checkStep(arch, s)
    if (bad)
      return fail("InvalidProgram", root, bad.what, {
        task,
        step: i,
        path: [bad.path],
        rule: bad.rule,
      })
  }
  const walk = checkWalks(program, labels)
  return walk
    ? fail("InvalidProgram", root, walk.what, { task, step: walk.step, path: [walk.path] })
    : undefined
}
