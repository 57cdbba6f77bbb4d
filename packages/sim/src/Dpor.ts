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
 * tasks cannot loop (see `Explorer` for the search used otherwise). State hashing is optional
 * (`Limits.key`); footprints and what ran below states are kept as numbers (`Independence`).
 * What a search is given and gives back (limits, counters, outcome, memo) is in `Search`.
 *
 * @since 0.2.0
 */

import { setBit } from "./Independence.js"
import { type Event, Path } from "./Path.js"
import {
  type Asleep,
  advance,
  type Counters,
  complete,
  type Limits,
  memo,
  missing,
  type Outcome,
  taskOf,
} from "./Search.js"
import type { Violation, World } from "./World.js"

// A move asleep or done at a node, with its footprint's number.
interface Slept {
  readonly move: number
  readonly fp: number
}

// One state on the current path.
interface Node {
  readonly w: World
  readonly enabled: ReadonlyArray<number>
  readonly sleep: ReadonlyArray<Slept>
  /** Moves to explore from here (the source set, grown by races found below). */
  readonly backtrack: Array<number>
  /** Moves explored from here, with their footprints (they sleep in later siblings). */
  readonly done: Array<Slept>
  /** With state hashing: the state's key, and every (task, footprint) run below it so far. */
  key: string | undefined
  readonly below: Array<number>
  /** With symmetry: the renaming of the state's key (task -> its number there). */
  readonly slot: Int32Array | undefined
  /**
   * Is every enabled move here in the backtrack or the sleep set (`full`)? Once true it stays
   * so; `checked` is the backtrack set's size when it was last found false.
   */
  full: boolean
  checked: number
}

/** The empty sleep set most completed states have, shared. */
const NONE: ReadonlyArray<number> = []

/** Adds the bits of `from` to `into`. */
const merge = (into: Array<number>, from: ReadonlyArray<number>): void => {
  for (let i = 0; i < from.length; i++) into[i] = (into[i] ?? 0) | (from[i] as number)
}

const hasMove = (list: ReadonlyArray<Slept>, move: number): boolean => {
  for (let i = 0; i < list.length; i++) if ((list[i] as Slept).move === move) return true
  return false
}

/** Is `move` in the backtrack set or the sleep set of `n`? */
const isIn = (n: Node, move: number): boolean =>
  n.backtrack.includes(move) || hasMove(n.sleep, move)

/**
 * Is every move enabled at `n` in its backtrack or sleep set? Then no race reversed there can
 * add anything: what a reversal adds is an initial of the moves after the racing one, the first
 * move of its task since the state (which no move in between woke: that move would come first
 * or be ordered after the racing one), so enabled there.
 */
const full = (n: Node): boolean => {
  if (n.full) return true
  if (n.checked === n.backtrack.length) return false
  n.checked = n.backtrack.length
  for (let i = 0; i < n.enabled.length; i++) if (!isIn(n, n.enabled[i] as number)) return false
  n.full = true
  return true
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
  // Completed states: key -> the sleep set they were searched with and what ran below them.
  const store = limits.memo ?? memo()
  const { cache, dones, prints } = store
  const node = (
    w: World,
    enabled: ReadonlyArray<number>,
    asleep: ReadonlyArray<Slept>,
    slot: Int32Array | undefined,
    ran: number,
    resumed?: { readonly moves: Array<number>; readonly below: ReadonlyArray<number> },
  ): Node | undefined => {
    // The first move: the task that ran last goes on if it can (as a scheduler lets a thread
    // run until it blocks), else the least awake move. Any choice is sound; this one makes
    // fewer context switches, so later siblings meet more states already searched (k=7 of the
    // scale bench: 28% fewer moves than the least move first).
    let first = -1
    for (let i = 0; i < enabled.length; i++) {
      const m = enabled[i] as number
      if (hasMove(asleep, m)) continue
      if (taskOf(m) === ran) {
        first = m
        break
      }
      if (first < 0) first = m
    }
    if (first < 0) return undefined
    return {
      w,
      enabled,
      sleep: asleep,
      backtrack: resumed?.moves ?? [first],
      done: [],
      key: undefined,
      below: resumed ? [...resumed.below] : [],
      slot,
      full: false,
      checked: -1,
    }
  }
  // The sleep set of a state as its key sees it (renumbered like its image, with symmetry).
  const asKeyed = (slot: Int32Array | undefined, asleep: ReadonlyArray<Slept>) =>
    asleep.length === 0 ? NONE : asleep.map((a) => (sym && slot ? sym.map(slot, a.move) : a.move))
  // Is `move` (as the key numbers tasks) in `asleep` (as the state with renaming `slot` does)?
  const asleepAs = (asleep: ReadonlyArray<Slept>, slot: Int32Array | undefined, move: number) => {
    for (let i = 0; i < asleep.length; i++) {
      const a = (asleep[i] as Slept).move
      if ((sym && slot ? sym.map(slot, a) : a) === move) return true
    }
    return false
  }
  // A move of the key's numbering as this state numbers it.
  const fromKeyed = (slot: Int32Array | undefined, move: number) =>
    sym && slot ? sym.unmap(slot, move) : move
  // The number of a move run below a state: with symmetry, for any task of its class and its
  // footprint generalised (what it says about the states of its orbit).
  const doneId = (task: number, fp: number): number =>
    dones.known(fp * 256 + task) ??
    dones.id(
      fp * 256 + task,
      () => (sym ? sym.group(task) : [task]),
      () => {
        if (sym === undefined) return fp
        const f = prints.get(fp)
        const g = (rs: ReadonlyArray<string>) => rs.map((r) => sym.generalise(r))
        return prints.id({ reads: g(f.reads), writes: g(f.writes) })
      },
    )
  // The path: its events, their clocks, and which moves were each task's last and woke it.
  const path = new Path(tasks)
  const { events, lastAt } = path
  // Scratch space of `reverse`: notdep(i), and per task the number of its first move there.
  const notdep: Array<Event> = []
  const firstOf = new Int32Array(tasks)
  // Source-DPOR's race rule for event `i` of the path and a later move: some initial of
  // notdep(i) (the moves after i not ordered after it) followed by that move must be in the
  // backtrack set of the state before i. The path is `events`, then `extra` if given. `tail`
  // is the later move when it is known; when it is not (a move below a state reached again),
  // `below` are the tasks that may make it, and an initial of the known part stands for the
  // whole, or else every such task enabled there.
  const reverse = (
    i: number,
    extra: Event | undefined,
    tail: Event | undefined,
    below?: Uint8Array,
  ): void => {
    const e = (i < events.length ? events[i] : extra) as Event
    const n = stack[i] as Node
    if (full(n)) return
    // The first move of notdep(i) is an initial: most often it is here already.
    const from = i < events.length ? path.firstAfter(i) : events.length
    const late = extra !== undefined && i < events.length && !path.after(e, extra)
    const first = from < events.length ? events[from] : late ? extra : tail
    if (first !== undefined && isIn(n, first.move)) return
    let count = 0
    for (let j = from; j < events.length; j++) {
      const y = events[j] as Event
      if (j === from || !path.after(e, y)) notdep[count++] = y
    }
    if (late) notdep[count++] = extra
    if (tail !== undefined) notdep[count++] = tail
    if (count > 0) {
      // The initials: the moves of notdep(i) that no earlier move of it happens before, any
      // of which can start an interleaving where its moves come first. One here is enough;
      // else the least joins the backtrack set.
      firstOf.fill(0x7fffffff)
      let least = -1
      for (let a = 0; a < count; a++) {
        const y = notdep[a] as Event
        if ((firstOf[y.task] as number) !== 0x7fffffff) continue
        let initial = true
        for (let r = 0; r < tasks && initial; r++)
          if ((firstOf[r] as number) <= path.vc(y.at, r)) initial = false
        firstOf[y.task] = y.idx
        if (!initial) continue
        if (isIn(n, y.move)) return
        if (least < 0 || y.move < least) least = y.move
      }
      n.backtrack.push(least)
      return
    }
    // Nothing known after i: the interleaving starts with a move of a task that has not moved
    // since i, enabled at i.
    for (let k = 0; k < n.enabled.length; k++) {
      const m = n.enabled[k] as number
      const t = taskOf(m)
      const moved = (lastAt[t] as number) > i || (extra?.task === t && i < events.length)
      if (below?.[t] === 1 && !moved && !isIn(n, m)) n.backtrack.push(m)
    }
  }
  // A state reached again is not searched again: its subtree, searched before from the same
  // state with a sleep set inside this one, covers every interleaving from it. What that search
  // would have added above is the races of moves on the path with moves below; those are
  // over-approximated by every (task, footprint) run below the state before (dependent, of
  // another task, not already ordered before that task's next move), each reversed with the
  // known part of its sequence (after Yang et al., "Efficient stateful dynamic partial order
  // reduction", SPIN 2008, with source sets). The path is `events` and then `x`, the move being
  // made; `woken` marks the tasks x woke (their clocks, like x's task's, are x's).
  const rows: Array<Int32Array> = []
  const tasksBelow = new Uint8Array(tasks)
  const bef = new Int32Array(tasks * tasks)
  const made = new Uint8Array(tasks)
  const revisit = (below: ReadonlyArray<number>, x: Event, woken: Uint8Array): void => {
    // bef[q * tasks + t]: how many moves of task t happen before task q's next move, a row made
    // when first needed (only for tasks that moved below, at states not full).
    const words = dones.split(below, rows, tasksBelow)
    made.fill(0)
    for (let i = 0; i <= events.length; i++) {
      if (full(stack[i] as Node)) continue
      const e = (i < events.length ? events[i] : x) as Event
      for (let q = 0; q < tasks; q++) {
        if (tasksBelow[q] === 0 || e.task === q) continue
        if (made[q] === 0) {
          path.before(q, x, woken, bef, q * tasks)
          made[q] = 1
        }
        if (
          e.idx > (bef[q * tasks + e.task] as number) &&
          dones.races(rows[q] as Int32Array, words, e.fp)
        ) {
          reverse(i, x, undefined, tasksBelow)
          break
        }
      }
    }
  }

  const stack: Array<Node> = []
  // Scratch space of a move: the events it races with, the tasks it wakes up.
  const races: Array<number> = []
  const woken = new Uint8Array(tasks)
  const asleep = sleep.map((a) => ({ move: a.move, fp: prints.id(a.fp) }))
  const start = node(root, root.runnable(), asleep, undefined, -1)
  if (start === undefined) {
    if (root.runnable().length === 0) counters.executions++
    else counters.sleepBlocked++
    return { kind: "done" }
  }
  stack.push(start)

  while (stack.length > 0) {
    const n = stack[stack.length - 1] as Node
    let move = -1
    for (let k = 0; k < n.backtrack.length; k++) {
      const m = n.backtrack[k] as number
      if ((move < 0 || m < move) && !hasMove(n.done, m) && !hasMove(n.sleep, m)) move = m
    }
    if (move < 0) {
      stack.pop()
      path.pop()
      if (n.key !== undefined) {
        if (complete(store, n.key, asKeyed(n.slot, n.sleep), n.below)) counters.stored++
        const parent = stack[stack.length - 1]
        if (parent) merge(parent.below, n.below)
      }
      continue
    }
    if (stack.length > limits.maxDepth || counters.states >= limits.maxStates)
      return { kind: "budget" }
    if ((counters.states & 1023) === 1023 && limits.tick(counters)) return { kind: "budget" }
    const task = taskOf(move)
    const fp = prints.id(n.w.footprint(move))

    // The new move's clock: its task's last move, what woke it, and every earlier dependent
    // move; a dependent move not already ordered before it by the others is a race.
    const idx = path.begin(task)
    // A move ordered before it by a clock joined so far (every move of its own task is) has its
    // clock inside already: it needs neither the dependence test nor a join.
    const at = events.length
    let raced = 0
    const dep = prints.row(fp)
    for (let i = at - 1; i >= 0; i--) {
      const e = events[i] as Event
      if (e.idx <= path.vc(at, e.task) || !prints.dependentIn(dep, fp, e.fp)) continue
      races[raced++] = i
      path.join(i)
    }
    path.set(task, idx)
    const x: Event = { move, task, fp, idx, at, prev: lastAt[task] as number }
    for (let r = 0; r < raced; r++) reverse(races[r] as number, undefined, x)

    const child = n.w.clone()
    advance(child, move)
    counters.states++
    limits.visit?.(child, move)
    const childSleep: Array<Slept> = []
    for (let k = 0; k < n.sleep.length; k++) {
      const a = n.sleep[k] as Slept
      if (!prints.dependentIn(dep, fp, a.fp)) childSleep.push(a)
    }
    for (let k = 0; k < n.done.length; k++) {
      const a = n.done[k] as Slept
      if (!prints.dependentIn(dep, fp, a.fp)) childSleep.push(a)
    }
    n.done.push({ move, fp })
    if (limits.key) {
      const id = doneId(task, fp)
      setBit(n.below, id)
    }
    if (child.violations.length > 0) {
      const violation = child.violations[0] as Violation
      return { kind: "violation", violation, schedule: [...violation.trace] }
    }
    const enabled = child.runnable()
    // A move of another task that this one disables (a kill, once the waiter it would interrupt
    // is granted) never runs below, so no race shows it: run it here first too.
    for (let k = 0; k < n.enabled.length; k++) {
      const m = n.enabled[k] as number
      if (taskOf(m) !== task && !enabled.includes(m) && !isIn(n, m)) n.backtrack.push(m)
    }
    if (enabled.length === 0) {
      counters.executions++
      continue
    }
    woken.fill(0)
    for (let k = 0; k < enabled.length; k++) {
      const m = enabled[k] as number
      if (taskOf(m) !== task && !n.enabled.includes(m)) woken[taskOf(m)] = 1
    }
    let resumed: { moves: Array<number>; below: ReadonlyArray<number> } | undefined
    const keyed = limits.key?.(child)
    const key = keyed?.key
    const slot = keyed?.slot
    if (key !== undefined) {
      const seen = cache.get(key)
      if (seen) {
        revisit(seen.below, x, woken)
        merge(n.below, seen.below)
        // Searched before with a sleep set inside this one: nothing new here. Otherwise search
        // from the moves asleep then and not now (and whatever races add) only.
        const awake = missing(seen, (a) => asleepAs(childSleep, slot, a))
        if (awake === undefined) continue
        resumed = {
          moves: awake.map((a) => fromKeyed(slot, a)).filter((a) => enabled.includes(a)),
          below: seen.below,
        }
      }
    }
    const next = node(child, enabled, childSleep, slot, task, resumed)
    if (next === undefined) {
      counters.sleepBlocked++
      continue
    }
    next.key = key
    path.push(x, woken)
    stack.push(next)
    if (stack.length > counters.depth) counters.depth = stack.length
  }
  return { kind: "done" }
}
