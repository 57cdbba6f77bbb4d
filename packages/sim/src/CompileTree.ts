/**
 * The second half of `Compile`: the runs of a program under each outcome of the calls the world
 * decides, joined into one task program whose failure branches are `onFail` labels.
 *
 * @since 0.3.0
 */
import { endLabel, type Step } from "./Program.js"

/** Where the user wrote a kernel call. */
export interface Source {
  readonly file: string
  readonly line: number
  readonly column: number
}

/** The label a finished branch jumps to: the end of the program. */
const END = endLabel

/** One recorded kernel call: its step, where it was written, and (decisions) the outcome taken. */
export interface Event {
  readonly step: Step
  readonly site: Error | undefined
  readonly success?: boolean
  /** An rmap walk's head or end: labelled when the program is emitted. */
  readonly walk?: true
}

/** One run of the program: its calls, and the outcomes taken at the decisions. */
export interface Run {
  readonly events: ReadonlyArray<Event>
  /** The outcomes taken at the decisions, in order. */
  readonly choices: ReadonlyArray<boolean>
}

/**
 * Joins the runs into one program: the steps shared by runs appear once; at each decision the
 * success branch follows inline and the failure branch is placed after it under a fresh label.
 * A decision inside an rmap walk's body splits the body only: each branch that reaches the end
 * of the body jumps to the walk's one `rmapWalkNext` (labelled `<walk>.next`), emitted by the
 * first branch there, so the code after the walk is emitted once.
 */
export const emitTree = (
  runs: ReadonlyArray<Run>,
  locate: (stack: string) => Source | undefined,
): { program: Array<Step>; sources: Array<Source | undefined> } => {
  const program: Array<Step> = []
  const sources: Array<Source | undefined> = []
  let pending: string | undefined
  let fresh = 0
  // The walks whose `rmapWalkNext` is emitted already: other branches of their body jump there.
  const closed = new Set<string>()
  const push = (step: Step, site: Error | undefined) => {
    program.push(pending === undefined ? step : { ...step, label: pending })
    sources.push(site === undefined ? undefined : locate(site.stack ?? ""))
    pending = undefined
  }
  const startsWith = (r: Run, prefix: ReadonlyArray<boolean>) =>
    prefix.every((c, i) => r.choices[i] === c)
  // Emits the events of the runs that share the outcome sequence `prefix`, from event `from`,
  // inside the walks `open` (labels, innermost last).
  const node = (
    prefix: ReadonlyArray<boolean>,
    from: number,
    open: ReadonlyArray<string>,
  ): void => {
    const walks = [...open]
    const run = runs.find((r) => startsWith(r, prefix))
    if (run === undefined) {
      push({ op: "goto", to: END }, undefined)
      return
    }
    let i = from
    for (; i < run.events.length; i++) {
      const e = run.events[i] as Event
      if (e.success !== undefined) break
      if (e.walk === undefined) push(e.step, e.site)
      else if (e.step.op === "rmapWalk") {
        const label = `w${fresh++}`
        walks.push(label)
        if (pending !== undefined) push({ op: "goto", to: label }, undefined)
        push({ ...e.step, label, done: `${label}.done` }, e.site)
      } else {
        const label = walks.pop() as string
        if (closed.has(label)) {
          push({ op: "goto", to: `${label}.next` }, undefined)
          return
        }
        closed.add(label)
        if (pending !== undefined) push({ op: "goto", to: `${label}.next` }, undefined)
        pending = `${label}.next`
        push({ op: "rmapWalkNext", walk: label }, e.site)
        pending = `${label}.done`
      }
    }
    const decision = run.events[i]
    if (decision === undefined) {
      push({ op: "goto", to: END }, undefined)
      return
    }
    const label = `f${fresh++}`
    push({ ...decision.step, onFail: label } as Step, decision.site)
    node([...prefix, true], i + 1, walks)
    pending = label
    node([...prefix, false], i + 1, walks)
  }
  node([], 0, [])
  // The last branch needs no jump: falling off the program ends the task too.
  const last = program[program.length - 1]
  if (last?.op === "goto" && last.label === undefined) {
    program.pop()
    sources.pop()
  }
  // A walk's `.next` label that no branch jumps to is left out.
  const targets = new Set(program.flatMap((s) => (s.op === "goto" ? [s.to] : [])))
  const used = program.map((s) => {
    if (!s.label?.endsWith(".next") || targets.has(s.label)) return s
    const { label: _, ...rest } = s
    return rest as Step
  })
  return { program: used, sources }
}
