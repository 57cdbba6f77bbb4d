/**
 * Source-set dynamic partial-order reduction with sleep sets (Abdulla, Aronis, Jonsson and
 * Sagonas, "Optimal dynamic partial order reduction", POPL 2014, Algorithm 1), over the
 * footprints `World.footprint` gives each move.
 *
 * The search runs depth-first from one world and explores at least one interleaving of every
 * class of equivalent interleavings (two schedules are equivalent when one becomes the other by
 * swapping adjacent independent moves): so it reaches every final state and every violation a
 * step reports from what its footprint covers, and usually a tiny fraction of the states. Races
 * between dependent moves are found with vector clocks; a task blocked on a lock happens after
 * the move that woke it. The search is stateless (no state hashing): it needs a world whose
 * tasks cannot loop (see `Explorer` for the search used otherwise).
 *
 * @since 0.2.0
 */
import type { Mirror, Tracker } from "./Symmetry.js"
import type { Footprint, Violation, World } from "./World.js"

/**
 * Do resources `a` and `b` overlap? Resources are paths: `mem` holds `mem:proc`, which holds
 * `mem:proc:pte:601`; two resources overlap when they are equal or one holds the other.
 */
export const overlap = (a: string, b: string): boolean =>
  a === b ||
  (a.length < b.length
    ? b.startsWith(a) && b[a.length] === ":"
    : a.startsWith(b) && a[b.length] === ":")

const touches = (resources: ReadonlyArray<string>, r: string): boolean =>
  resources.some((x) => overlap(x, r))

/** Do two moves touch an overlapping resource that one of them changes? */
export const dependent = (a: Footprint, b: Footprint): boolean =>
  a.writes.some((r) => touches(b.writes, r) || touches(b.reads, r)) ||
  b.writes.some((r) => touches(a.reads, r))

/** The task a move belongs to (a move is `task | (alt << 8)`). */
export const taskOf = (move: number): number => move & 255

/** A move asleep at a node, with its footprint there (it stays asleep while nothing touches it). */
export interface Asleep {
  readonly move: number
  readonly fp: Footprint
}

/** Counters of one search, for budgets and progress. */
export interface Counters {
  /** Moves executed. */
  states: number
  /** Complete interleavings (no task left to run). */
  executions: number
  /** Interleavings cut because every runnable move was asleep (covered elsewhere). */
  sleepBlocked: number
  /** Deepest schedule followed. */
  depth: number
  /** States stored by state hashing. */
  stored: number
}

/** Counters at zero. */
export const zero = (): Counters => ({
  states: 0,
  executions: 0,
  sleepBlocked: 0,
  depth: 0,
  stored: 0,
})

/** How a search ended: `budget` when a limit stopped it, else with the first violation found. */
export type Outcome =
  | { readonly kind: "done" }
  | { readonly kind: "budget" }
  | { readonly kind: "violation"; readonly violation: Violation; readonly schedule: number[] }

/** Limits and hooks of one search. */
export interface Limits {
  readonly maxDepth: number
  readonly maxStates: number
  /** Called every 1024 moves (for the clock and progress): true stops the search with "budget". */
  readonly tick: (c: Counters) => boolean
  /** Called on every state reached, after `move` (it may report an invariant on it). */
  readonly visit?: (w: World, move: number) => void
  /** State hashing: the key of a state (its fingerprint); without it the search is stateless. */
  readonly key?: (w: World) => string
  /** With state hashing: states are keyed by their images under symmetry, from `root`'s. */
  readonly symmetry?: { readonly tracker: Tracker; readonly root: Mirror }
  /** With state hashing: the completed states, shared by the searches given the same memo. */
  readonly memo?: Memo
}

/**
 * Completed states (key -> the sleep set they were searched with, as the key numbers tasks, and
 * what ran below them), and the moves run below states, numbered (`below` sets are bitsets of
 * these numbers). Searches of one spec with the same keys may share it.
 */
export interface Memo {
  readonly cache: Map<
    string,
    { sleep: ReadonlyArray<number>; below: ReadonlyArray<number>; summary?: Summary }
  >
  readonly doneIds: Map<string, number>
  readonly dones: Array<Done>
}

/** An empty memo. */
export const memo = (): Memo => ({ cache: new Map(), doneIds: new Map(), dones: [] })

// One executed move on the current path, with its happens-before vector clock: `vc[t]` is how
// many moves of task t happen before it or are it; `idx` is its own number among its task's.
interface Event {
  readonly move: number
  readonly task: number
  readonly fp: Footprint
  readonly vc: Int32Array
  readonly idx: number
  /** The footprint as a string (for memos). */
  readonly key: string
}

// One state on the current path.
interface Node {
  readonly w: World
  readonly enabled: ReadonlyArray<number>
  readonly sleep: ReadonlyArray<Asleep>
  /** Moves to explore from here (the source set, grown by races found below). */
  readonly backtrack: Array<number>
  /** Moves explored from here, with their footprints (they sleep in later siblings). */
  readonly done: Array<Asleep>
  /** Per task: the clock of its last move, and of the move that woke it up since. */
  readonly last: ReadonlyArray<Int32Array | undefined>
  readonly woke: ReadonlyArray<Int32Array | undefined>
  /** With state hashing: the state's key, and every (task, footprint) run below it so far. */
  key: string | undefined
  readonly below: Array<number>
  /** With symmetry: the state's image. */
  readonly mirror: Mirror | undefined
}

// What ran below a completed state, for the races of a revisit: for each footprint of a move
// on the path, the tasks below with a move dependent on it (memoised), and every task below.
export interface Summary {
  readonly dones: ReadonlyArray<Done>
  readonly conflicts: Map<string, ReadonlyArray<number>>
  readonly tasksBelow: ReadonlySet<number>
}

const summarise = (below: ReadonlyArray<number>, all: ReadonlyArray<Done>): Summary => {
  const dones: Array<Done> = []
  below.forEach((word, w) => {
    for (let b = 0; b < 32; b++) if ((word >>> b) & 1) dones.push(all[w * 32 + b] as Done)
  })
  return { dones, conflicts: new Map(), tasksBelow: new Set(dones.flatMap((d) => d.tasks)) }
}

/** The tasks below that ran a move dependent on one with footprint `fp` (keyed `key`). */
const conflicting = (s: Summary, key: string, fp: Footprint): ReadonlyArray<number> => {
  let tasks = s.conflicts.get(key)
  if (tasks === undefined) {
    tasks = [...new Set(s.dones.filter((d) => dependent(d.fp, fp)).flatMap((d) => d.tasks))]
    s.conflicts.set(key, tasks)
  }
  return tasks
}

/** Adds the bits of `from` to `into`. */
const merge = (into: Array<number>, from: ReadonlyArray<number>): void => {
  for (let i = 0; i < from.length; i++) into[i] = (into[i] ?? 0) | (from[i] as number)
}

// A move run somewhere below a state: the tasks that may have made it (with symmetry, any of
// its class, as the state may be an image of the one searched), and its footprint.
export interface Done {
  readonly tasks: ReadonlyArray<number>
  readonly fp: Footprint
}

const fpKey = (fp: Footprint): string => `${fp.reads.join()}|${fp.writes.join()}`

const hasMove = (list: ReadonlyArray<Asleep>, move: number): boolean =>
  list.some((a) => a.move === move)

const join = (into: Int32Array, from: Int32Array | undefined): void => {
  if (from === undefined) return
  for (let i = 0; i < into.length; i++)
    if ((from[i] as number) > (into[i] as number)) into[i] = from[i] as number
}

/**
 * Explores every interleaving class from `root`, except those starting with a move in `sleep`
 * (explored elsewhere), adding to `counters` as it goes.
 */
export const search = (
  root: World,
  sleep: ReadonlyArray<Asleep>,
  limits: Limits,
  counters: Counters,
): Outcome => {
  const tasks = root.tasks.length
  const sym = limits.symmetry
  // What a move run below a state says about the states of its orbit.
  const done = (task: number, fp: Footprint): Done => {
    if (sym === undefined) return { tasks: [task], fp }
    const g = (rs: ReadonlyArray<string>) => rs.map((r) => sym.tracker.generalise(r))
    return { tasks: sym.tracker.group(task), fp: { reads: g(fp.reads), writes: g(fp.writes) } }
  }
  const node = (
    w: World,
    enabled: ReadonlyArray<number>,
    asleep: ReadonlyArray<Asleep>,
    last: ReadonlyArray<Int32Array | undefined>,
    woke: ReadonlyArray<Int32Array | undefined>,
    mirror: Mirror | undefined,
  ): Node | undefined => {
    const first = enabled.find((m) => !hasMove(asleep, m))
    if (first === undefined) return undefined
    // A kill (L11) is a choice of the task asleep in its killable wait, which another task's
    // move can take away (the reader it waits for leaves, and the wait ends) without a race
    // between executed moves ever showing it: each kill move awake is searched where it is
    // enabled.
    const kills = enabled.filter((m) => taskOf(m) !== m && m !== first && !hasMove(asleep, m))
    return {
      w,
      enabled,
      sleep: asleep,
      backtrack: [first, ...kills],
      done: [],
      last,
      woke,
      key: undefined,
      below: [],
      mirror,
    }
  }
  // The sleep set of a state as its key sees it (renumbered like its image, with symmetry).
  const asKeyed = (n: { mirror: Mirror | undefined }, moves: ReadonlyArray<number>) =>
    sym && n.mirror ? moves.map((m) => sym.tracker.map(n.mirror as Mirror, m)) : moves
  // Completed states: key -> the sleep set they were searched with and what ran below them.
  const { cache, doneIds, dones } = limits.memo ?? memo()
  const doneId = (task: number, fp: Footprint, key: string): number => {
    const k = `${task}|${key}`
    let id = doneIds.get(k)
    if (id === undefined) {
      id = dones.length
      dones.push(done(task, fp))
      doneIds.set(k, id)
    }
    return id
  }
  // The moves of `v` (events on the path, in order) that no earlier move of `v` happens before:
  // the initials of v, any of which can start an interleaving where v's moves come first.
  const initials = (v: ReadonlyArray<Event>): Array<number> => {
    const firstOf = new Int32Array(tasks).fill(0x7fffffff)
    const out: Array<number> = []
    for (const y of v) {
      if ((firstOf[y.task] as number) !== 0x7fffffff) continue
      let initial = true
      for (let r = 0; r < tasks && initial; r++)
        if ((firstOf[r] as number) <= (y.vc[r] as number)) initial = false
      firstOf[y.task] = y.idx
      if (initial) out.push(y.move)
    }
    return out
  }
  // Source-DPOR's race rule for event `i` of `path` and a later move: some initial of
  // notdep(i) (the moves after i not ordered after it) followed by that move must be in the
  // backtrack set of the state before i. `tail` is the later move when it is known; when it is
  // not (a move below a state reached again), `below` are the tasks that may make it, and an
  // initial of the known part stands for the whole, or else every such task enabled there.
  const reverse = (
    path: ReadonlyArray<Event>,
    i: number,
    tail: Event | undefined,
    below?: ReadonlySet<number>,
  ): void => {
    const e = path[i] as Event
    const n = stack[i] as Node
    const has = (m: number) => n.backtrack.includes(m) || hasMove(n.sleep, m)
    const v: Array<Event> = []
    for (let j = i + 1; j < path.length; j++) {
      const y = path[j] as Event
      if (e.idx > (y.vc[e.task] as number)) {
        // The first move of v is an initial: often it is here already.
        if (v.length === 0 && has(y.move)) return
        v.push(y)
      }
    }
    if (tail) v.push(tail)
    const first = initials(v)
    if (first.length > 0) {
      if (first.some(has)) return
      n.backtrack.push(Math.min(...first))
      return
    }
    // Nothing known after i: the interleaving starts with a move of a task that has not moved
    // since i, enabled at i.
    const moved = new Set(path.slice(i + 1).map((y) => y.task))
    for (const m of n.enabled)
      if (below?.has(taskOf(m)) && !moved.has(taskOf(m)))
        if (!n.backtrack.includes(m) && !hasMove(n.sleep, m)) n.backtrack.push(m)
  }
  // A state reached again is not searched again: its subtree, searched before from the same
  // state with a sleep set inside this one, covers every interleaving from it. What that search
  // would have added above is the races of moves on the path with moves below; those are
  // over-approximated by every (task, footprint) run below the state before (dependent, of
  // another task, not already ordered before that task's next move), each reversed with the
  // known part of its sequence (after Yang et al., "Efficient stateful dynamic partial order
  // reduction", SPIN 2008, with source sets).
  const revisit = (
    summary: Summary,
    path: ReadonlyArray<Event>,
    last: ReadonlyArray<Int32Array | undefined>,
    woke: ReadonlyArray<Int32Array | undefined>,
  ): void => {
    const clocks = new Map<number, Int32Array>()
    const clock = (q: number): Int32Array => {
      let vq = clocks.get(q)
      if (vq === undefined) {
        vq = new Int32Array(tasks)
        join(vq, last[q])
        join(vq, woke[q])
        clocks.set(q, vq)
      }
      return vq
    }
    for (let i = 0; i < path.length; i++) {
      const e = path[i] as Event
      const tasksRacing = conflicting(summary, e.key, e.fp)
      if (tasksRacing.some((q) => e.task !== q && e.idx > (clock(q)[e.task] as number)))
        reverse(path, i, undefined, summary.tasksBelow)
    }
  }
  const stack: Array<Node> = []
  const events: Array<Event> = []
  const start = node(root, root.runnable(), sleep, new Array(tasks), new Array(tasks), sym?.root)
  if (start === undefined) {
    if (root.runnable().length === 0) counters.executions++
    else counters.sleepBlocked++
    return { kind: "done" }
  }
  stack.push(start)

  while (stack.length > 0) {
    const n = stack[stack.length - 1] as Node
    let move = -1
    for (const m of n.backtrack)
      if ((move < 0 || m < move) && !hasMove(n.done, m) && !hasMove(n.sleep, m)) move = m
    if (move < 0) {
      stack.pop()
      events.pop()
      if (n.key !== undefined) {
        if (!cache.has(n.key)) counters.stored++
        cache.set(n.key, {
          sleep: asKeyed(
            n,
            n.sleep.map((a) => a.move),
          ),
          below: n.below,
        })
        const parent = stack[stack.length - 1]
        if (parent) merge(parent.below, n.below)
      }
      continue
    }
    if (stack.length > limits.maxDepth || counters.states >= limits.maxStates)
      return { kind: "budget" }
    if ((counters.states & 1023) === 1023 && limits.tick(counters)) return { kind: "budget" }
    const task = taskOf(move)
    const fp = n.w.footprint(move)

    // The new move's clock: its task's last move, what woke it, and every earlier dependent
    // move; a dependent move not already ordered before it by the others is a race.
    const vc = new Int32Array(tasks)
    join(vc, n.last[task])
    join(vc, n.woke[task])
    const races: Array<number> = []
    for (let i = events.length - 1; i >= 0; i--) {
      const e = events[i] as Event
      if (e.task === task || !dependent(e.fp, fp)) continue
      if (e.idx > (vc[e.task] as number)) races.push(i)
      join(vc, e.vc)
    }
    const idx = (n.last[task]?.[task] ?? 0) + 1
    vc[task] = idx
    const x: Event = { move, task, fp, vc, idx, key: limits.key ? fpKey(fp) : "" }
    for (const i of races) reverse(events, i, x)

    const child = n.w.clone()
    child.step(move)
    counters.states++
    limits.visit?.(child, move)
    const childSleep = [...n.sleep, ...n.done].filter((a) => !dependent(a.fp, fp))
    n.done.push({ move, fp })
    if (limits.key) {
      const id = doneId(task, fp, x.key)
      n.below[id >>> 5] = (n.below[id >>> 5] ?? 0) | (1 << (id & 31))
    }
    if (child.violations.length > 0) {
      const violation = child.violations[0] as Violation
      return { kind: "violation", violation, schedule: [...violation.trace] }
    }
    const enabled = child.runnable()
    if (enabled.length === 0) {
      counters.executions++
      continue
    }
    const last = [...n.last]
    last[task] = vc
    const woke = [...n.woke]
    for (const m of enabled) if (taskOf(m) !== task && !n.enabled.includes(m)) woke[taskOf(m)] = vc
    const mirror = sym && n.mirror ? sym.tracker.step(n.mirror, move, n.w) : undefined
    const key = limits.key?.(mirror?.image ?? child)
    if (key !== undefined) {
      const seen = cache.get(key)
      const mine =
        seen &&
        asKeyed(
          { mirror },
          childSleep.map((a) => a.move),
        )
      if (seen && mine && seen.sleep.every((m) => mine.includes(m))) {
        seen.summary ??= summarise(seen.below, dones)
        revisit(seen.summary, [...events, x], last, woke)
        merge(n.below, seen.below)
        continue
      }
    }
    const next = node(child, enabled, childSleep, last, woke, mirror)
    if (next === undefined) {
      counters.sleepBlocked++
      continue
    }
    next.key = key
    events.push(x)
    stack.push(next)
    if (stack.length > counters.depth) counters.depth = stack.length
  }
  return { kind: "done" }
}
