/**
 * The digests of a world's state for the explorer's state hashing: each task's part (where it
 * is, what it holds, its lookups and walks under way) and the fingerprint that joins them with
 * the wait queues, the VMA sequence counts, the lockdep history and the memory.
 *
 * Digests are incremental where the state is shared: the lock table, the sequence counts and
 * the memory cache theirs until they change (copy on write), and a task's part is remembered
 * on the task with the fields it was made from (`TaskDigest`). Every field a part reads is a
 * number or an object replaced, never changed, when the task moves on (see `Task`), so a part
 * is reused exactly when each field is the same value or the same object: a copy of the task
 * (a clone's) reuses it, a task that stepped makes its part again. The part of a task waiting
 * for a grace period names other tasks' read sections, so it is never reused.
 *
 * @since 0.2.0
 */
import type { Renaming } from "../Memory.js"
import { type Numbered, numbered } from "../Numbered.js"
import type { Task } from "../Task.js"
import * as Rcu from "./Rcu.js"
import * as RmapWalk from "./RmapWalk.js"
import type { State } from "./State.js"

/** A task's part, with the fields it was made from (compared by value or identity). */
export interface TaskDigest {
  readonly pc: number
  readonly status: Task["status"]
  readonly rcuDepth: number
  readonly ptl: Task["ptl"]
  readonly vmaLookup: Task["vmaLookup"]
  readonly mapped: Task["mapped"]
  readonly interrupted: Task["interrupted"]
  readonly held: Task["held"]
  readonly walk: Task["walk"]
  readonly part: string
  /** The number an interner gave `part` (see `fingerprint`). */
  num?: Numbered
}

/** Task `t`'s part made afresh (with `slot`, the task ids it names renamed by it). */
const make = (st: State, t: Task, slot?: Int32Array): string => {
  let out = `${t.pc}${t.status[0]}${t.rcuDepth}`
  if (t.ptl) out += `m${t.ptl.table}${t.ptl.locked ? "l" : ""}`
  if (t.vmaLookup) out += `v${t.vmaLookup.vma}${t.vmaLookup.ref ? "r" : ""}`
  if (t.mapped) out += `n${t.mapped.table}${t.mapped.locked ? "l" : ""}`
  if (t.interrupted !== undefined) out += `k${t.interrupted}`
  for (const h of t.held) out += `,${h.id}${h.mode[0]}`
  return `${out}${Rcu.digest(st, t, slot)}${RmapWalk.digest(t)};`
}

/** Was `d` made from `t` as it is now? */
const fresh = (d: TaskDigest, t: Task): boolean =>
  d.pc === t.pc &&
  d.status === t.status &&
  d.rcuDepth === t.rcuDepth &&
  d.ptl === t.ptl &&
  d.vmaLookup === t.vmaLookup &&
  d.mapped === t.mapped &&
  d.interrupted === t.interrupted &&
  d.held === t.held &&
  d.walk === t.walk

/**
 * Task `t`'s part of the fingerprint: remembered on the task while its fields stay, made again
 * otherwise. With `slot` (a renaming), made afresh for a grace-period wait, the only part that
 * names other tasks.
 */
export const taskPart = (st: State, t: Task, slot?: Int32Array): string => {
  if (t.wait?.on === "grace") return make(st, t, slot)
  const d = t.digest
  if (d !== undefined && fresh(d, t)) return d.part
  const part = make(st, t)
  t.digest = {
    pc: t.pc,
    status: t.status,
    rcuDepth: t.rcuDepth,
    ptl: t.ptl,
    vmaLookup: t.vmaLookup,
    mapped: t.mapped,
    interrupted: t.interrupted,
    held: t.held,
    walk: t.walk,
    part,
  }
  return part
}

/**
 * Task `t`'s part as the text of the number `intern` gives it, with its `;` (remembered with the
 * part: the key then joins a few small numbers instead of the parts' text). With `slot`, renamed
 * as for `taskPart`; `parts` are this state's `taskParts` if made.
 */
const partText = (
  st: State,
  t: Task,
  intern: (part: string) => number,
  slot?: Int32Array,
  parts?: ReadonlyArray<string>,
): string => {
  const part = (slot === undefined ? parts?.[t.id] : undefined) ?? taskPart(st, t, slot)
  const d = t.digest
  if (d === undefined || d.part !== part) return `${intern(part)};`
  d.num = numbered(d.num, part, intern, "", ";")
  return d.num.text
}

/** Each task's part, by id (in `into` when given). */
export const taskParts = (st: State, into: Array<string> = []): Array<string> => {
  into.length = st.tasks.length
  for (let i = 0; i < st.tasks.length; i++) into[i] = taskPart(st, st.tasks[i] as Task)
  return into
}

/** Scratch space of `fingerprint`: the task ids in the order a renaming puts them. */
let order = new Int32Array(16)
/** Scratch space of `fingerprint`: its pieces, joined at once into one flat text. */
const pieces: Array<string> = []

/**
 * The fingerprint of `st` (see `World.fingerprint`): `intern` numbers the long parts (and the
 * tasks' parts), `as` renames tasks and pages, `parts` are this state's `taskParts` if made.
 */
export const fingerprint = (
  st: State,
  intern?: (part: string) => number,
  as?: Renaming,
  parts?: ReadonlyArray<string>,
): string => {
  pieces.length = 0
  const n = st.tasks.length
  if (as !== undefined) {
    if (order.length < n) order = new Int32Array(2 * n)
    for (let i = 0; i < n; i++) order[as.slot[i] as number] = i
  }
  for (let r = 0; r < n; r++) {
    const t = st.tasks[as === undefined ? r : (order[r] as number)] as Task
    // Renaming changes a task's part only where it names other tasks: a grace-period wait.
    const slot = t.wait?.on === "grace" ? as?.slot : undefined
    if (intern) pieces.push(partText(st, t, intern, slot, parts))
    else pieces.push((slot === undefined ? parts?.[t.id] : undefined) ?? taskPart(st, t, slot))
  }
  pieces.push(st.sems.digest(as?.slot), st.seqs.digest())
  // The lockdep history is part of the state: it decides which inversions are still reported.
  if (intern) pieces.push(st.lockdep.historyText(intern), st.memory.keyText(intern, as))
  else pieces.push("|", st.lockdep.history(), "|", st.memory.key(as))
  // Joined at once: a flat text (one made of many appended pieces is copied flat when hashed).
  return pieces.join("")
}
