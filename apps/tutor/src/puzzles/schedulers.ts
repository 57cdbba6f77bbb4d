/**
 * Scheduler puzzles: one per buggy variant of sim's kernel scenario library, plus one replayed
 * on another architecture. The player is the scheduler; sim's checker declares victory.
 */
import { Arch, Scenarios } from "@mmguard/sim"
import type { Chapter, SchedulerPuzzle } from "../engine/Puzzle.js"

const chapterOf = (rule: string): Chapter =>
  rule.startsWith("F") ? "F" : rule.startsWith("O") ? "O" : rule.startsWith("L") ? "L" : "P"

const hintsFor = (v: Scenarios.Variant): ReadonlyArray<string> => [
  `The flaw breaks ${v.expected.rule}. Which task's program breaks it?`,
  "Some flaws show only in one order: let the other task go first.",
  "Step the flawed task until the checker speaks.",
]

const fromVariant = (
  s: Scenarios.Scenario,
  v: Scenarios.Variant,
  chapter?: Chapter,
): SchedulerPuzzle => ({
  kind: "scheduler",
  id: `${s.id}--${v.id}`,
  chapter: chapter ?? chapterOf(v.expected.rule),
  // The title must not name the flaw: the player finds it; the lesson names it afterwards.
  title: `${s.title} (${s.variants.indexOf(v) + 1} of ${s.variants.length})`,
  rules: [v.expected.rule, ...s.rules.filter((r) => r !== v.expected.rule)],
  lesson: `${s.kernelPath}. The flaw: ${v.title.toLowerCase()}.`,
  hints: hintsFor(v),
  scenario: s,
  variant: v,
  spec: v.spec,
  addr: s.addr,
})

// The game's player steps tasks but cannot send a fatal signal, so variants whose flaw shows
// only after a killed vma_start_write_killable (a kill move, L11) are left out for now.
const killable = (v: Scenarios.Variant) =>
  v.spec.tasks.some((t) => t.program.some((step) => step.op === "vmaStartWriteKillable"))
const variants = Scenarios.all.flatMap((s) =>
  s.variants.filter((v) => !killable(v)).map((v) => ({ s, v })),
)
const find = (id: string) => {
  const hit = variants.find(({ s, v }) => `${s.id}--${v.id}` === id)
  if (hit === undefined) throw new Error(`no scenario variant ${id}`)
  return hit
}

/** Every scheduler puzzle. The lock_vma_under_rcu flaw belongs to the VMA-lock chapter. */
export const schedulers: ReadonlyArray<SchedulerPuzzle> = [
  ...variants.map(({ s, v }) => fromVariant(s, v, v.id === "no-fallback" ? "V" : undefined)),
  (() => {
    const { s, v } = find("reclaim--no-pte-lock")
    const base = fromVariant(s, v, "P1")
    return {
      ...base,
      id: "reclaim--no-pte-lock--i386",
      title: `${base.title} (i386: no split PMD lock)`,
      lesson:
        "On i386 without PAE the PMD level is folded and the PTE lock is a split lock; the rule is the same on every architecture (P1, P8).",
      spec: { ...v.spec, arch: Arch.i386 },
    }
  })(),
]
