/**
 * The consequences a scheduler puzzle asks the player to cause, as The Deadlock Empire does:
 * not "the checker named a rule" but something that went wrong in the simulated kernel. Each
 * is observed on sim's world: a deadlock from sim's own detector; the others from the state the
 * world is in just before a step runs (which locks each task holds, which tables the page
 * tables link, which VMAs the mm's tree holds) and from the steps already run.
 */
import { Move, type Program, type Task, type World } from "@mmguard/sim"

/** The consequences, in words a player can aim for. */
export const Consequences = {
  deadlock: "a deadlock: every task waits for another, forever",
  leakedPage: "a leaked page: a page mapped where no VMA covers it, so no one will ever free it",
  staleTable: "a page table used after it was freed, retracted or moved away",
  useAfterFree: "a VMA used after it was detached (and so may be freed)",
  lostWrite: "a lost write: two tasks changed the same thing at once and one change vanished",
  unstableVma: "a VMA changed under a task that was promised it would stay stable",
} as const

/** A consequence the player can cause. */
export type Consequence = keyof typeof Consequences

/** A consequence that happened: which, caused by which task, and how. */
export interface Outcome {
  readonly kind: Consequence
  readonly task: string
  readonly detail: string
}

/** One step that ran: the task and the program step it ran. */
export interface Ran {
  readonly task: number
  readonly step: Program.Step
}

const pageOps: ReadonlySet<string> = new Set([
  "installPte",
  "changeAccessDirty",
  "zapRange",
  "retractPteTable",
])

/** The VMA id a task's read lock id names (`vma:<id>`). */
const vmaIdOf = (lockId: string): number | undefined => {
  const m = /^vma:(\d+)$/.exec(lockId)
  return m ? Number(m[1]) : undefined
}

/** Observes the step task `t` is about to run: the consequence it causes, if any. */
const before = (w: World, t: Task, log: ReadonlyArray<Ran>): Outcome | undefined => {
  const s = t.program[t.pc]
  const mm = w.mms.get(t.mm)
  if (s === undefined || mm === undefined || t.status === "blocked") return undefined
  const others = w.tasks.filter((o) => o.id !== t.id)
  if (s.op === "do" && (pageOps.has(s.action) || s.action === "walk")) {
    const pmdLevel = s.action === "retractPteTable"
    const table = pmdLevel ? mm.pt.pmdTablePfn(s.addr) : mm.pt.pteTablePfn(s.addr)
    const mine = t.held.find((h) => h.kind === "pteLock" && h.vpn !== undefined)
    if (!pmdLevel && mine?.table !== undefined && mine.table !== table)
      return {
        kind: "staleTable",
        task: t.name,
        detail: `${t.name} ${s.action === "walk" ? "reads" : "writes"} page ${s.addr} through PTE table ${mine.table}, which the PMD no longer links`,
      }
    if (s.action === "installPte" && mm.find(s.addr) === undefined)
      return {
        kind: "leakedPage",
        task: t.name,
        detail: `${t.name} maps page ${s.addr}, but no VMA covers it any more`,
      }
    const kind = pmdLevel ? "pmdLock" : "pteLock"
    if (s.action !== "walk")
      for (const o of others)
        for (const h of o.held)
          if (h.kind === kind && h.table === table && !t.held.some((x) => x.id === h.id))
            return {
              kind: "lostWrite",
              task: t.name,
              detail: `${t.name} changes page ${s.addr}'s table while ${o.name} holds its lock (${h.id}): ${o.name}'s update can be lost`,
            }
  }
  // A walk of tables no VMA covers (walk_page_range_debug) while another task is between
  // detaching a VMA of that range and freeing its tables: in the kernel the walk is long and
  // meets the tables free_pgtables frees under it.
  if (s.op === "do" && s.action === "walkNoVma") {
    const end = s.end ?? s.addr + 1
    for (const o of others) {
      const mine = log.filter((r) => r.task === o.id && r.step.op === "do")
      const at = mine.findLastIndex((r) => "action" in r.step && r.step.action === "detachVma")
      const d = mine[at]?.step
      const freed = mine
        .slice(at + 1)
        .some((r) => "action" in r.step && r.step.action === "freePgtables")
      if (
        d !== undefined &&
        "addr" in d &&
        d.addr >= s.addr &&
        d.addr < end &&
        !freed &&
        o.status !== "done"
      )
        return {
          kind: "staleTable",
          task: t.name,
          detail: `${t.name} walks the tables of [${s.addr}, ${end}) while ${o.name} frees those of the VMA it detached at ${d.addr}`,
        }
    }
  }
  // A lockless reader (pte_offset_map, then ptep_get) out of RCU, its table unlinked meanwhile.
  if (s.op === "ptepGet" && t.mapped && t.rcuDepth === 0) {
    const table = mm.pt.pteTablePfn(s.addr)
    if (table !== t.mapped.table)
      return {
        kind: "staleTable",
        task: t.name,
        detail: `${t.name} reads page ${s.addr} through PTE table ${t.mapped.table} after leaving RCU, and the table has been freed`,
      }
  }
  // A VMA read lock on a VMA that is no longer in the mm's tree, and the task goes on using it.
  if ("addr" in s && s.op !== "vmaEndRead")
    for (const h of t.held) {
      const id = vmaIdOf(h.id)
      if (id !== undefined && !mm.vmas.some((v) => v.id === id))
        return {
          kind: "useAfterFree",
          task: t.name,
          detail: `${t.name} runs ${show(s)} on VMA ${id}, which another task detached under its read lock`,
        }
    }
  if (s.op === "writeVma") {
    const vma = w.vmaFor(t.id, s.addr)
    const reader = vma && others.find((o) => o.held.some((h) => vmaIdOf(h.id) === vma.id))
    if (vma && reader)
      return {
        kind: "unstableVma",
        task: t.name,
        detail: `${t.name} writes ${s.field} of VMA ${vma.id} while ${reader.name} holds its read lock`,
      }
    // Read-modify-write: someone else wrote the field after this task read it.
    const read = log.findLastIndex(
      (r) => r.task === t.id && r.step.op === "do" && r.step.action === "readVma",
    )
    const lost =
      read >= 0 &&
      log
        .slice(read + 1)
        .find(
          (r) =>
            r.task !== t.id &&
            r.step.op === "writeVma" &&
            r.step.field === s.field &&
            r.step.addr === s.addr,
        )
    if (lost)
      return {
        kind: "lostWrite",
        task: t.name,
        detail: `${t.name} writes ${s.field} from a value it read before ${w.tasks[lost.task]?.name} wrote it: that write is lost`,
      }
  }
  return undefined
}

const show = (s: Program.Step): string => `${s.op}${"addr" in s ? `(${s.addr})` : ""}`

/** Observes a move before it runs (consequences of the step) and after (a deadlock). */
export const observe = (
  w: World,
  move: number,
  log: ReadonlyArray<Ran>,
  stepped: World,
): Outcome | undefined => {
  const t = Move.alt(move) === Move.STEP ? w.tasks[move] : undefined
  const pre = t && before(w, t, log)
  if (pre) return pre
  const dead = stepped.violations.find((v) => v.kind === "deadlock")
  return dead ? { kind: "deadlock", task: dead.task, detail: dead.message } : undefined
}
