/**
 * Lockdep for mm (O1-O4): the static order of lock classes from core's ordering lists, and the
 * history of class pairs a run has seen taken one inside the other. Taking a class against the
 * static order, or against an order already observed, is reported once per pair, with the
 * acquisition chain of each side, whether or not a deadlock followed.
 *
 * @since 0.1.0
 */
import { Rules } from "@mmguard/core"
import { type Numbered, numbered } from "./Numbered.js"
import type { Held } from "./Task.js"

const staticOrder = (() => {
  const before = new Map<Rules.LockClass, Set<Rules.LockClass>>()
  for (const rule of Rules.Ordering)
    for (const chain of rule.chains)
      for (let i = 0; i + 1 < chain.length; i++) {
        const a = chain[i] as Rules.LockClass
        const set = before.get(a) ?? new Set()
        set.add(chain[i + 1] as Rules.LockClass)
        before.set(a, set)
      }
  // Transitive closure: a -> every class that must be taken after a.
  const after = (a: Rules.LockClass, seen = new Set<Rules.LockClass>()): Set<Rules.LockClass> => {
    for (const b of before.get(a) ?? []) if (!seen.has(b)) after(b, seen.add(b))
    return seen
  }
  return new Map(Rules.LockClasses.map((c) => [c, after(c)]))
})()

/**
 * Must class `a` be taken before class `b` by the ordering rules (O1, O2, O4; transitively)?
 * A pair the rules order both ways (the documents give different orders for different paths:
 * swap_lock and private_lock, folio_lock and a hugetlbfs mapping's i_mmap_rwsem) is ordered
 * neither way: only an order observed in the run can make it an inversion (O3).
 */
export const orderedBefore = (a: Rules.LockClass, b: Rules.LockClass): boolean =>
  (staticOrder.get(a)?.has(b) ?? false) && !(staticOrder.get(b)?.has(a) ?? false)

/** The ordering rules (O1, O2, O4) whose chains put `a` before `b`, directly or through others. */
const ruleOrdering = (a: Rules.LockClass, b: Rules.LockClass): string => {
  const ids = Rules.Ordering.filter((r: Rules.OrderRule) =>
    r.chains.some((c) => c.includes(a) && c.includes(b) && c.indexOf(a) < c.indexOf(b)),
  ).map((r) => r.id)
  return ids.length > 0 ? ids.join("/") : "O1/O2/O4"
}

/** The lock-order history of one world; a fork shares it until either side adds to it. */
export class Lockdep {
  /** "a>b" (b taken inside a) and "!a>b" (reported) -> the chain that first showed it. */
  private seen = new Map<string, string>()
  private shared = false
  private key = ""
  private keySize = 0
  /** The history's number under the last interner asked (`historyText`). */
  private num: Numbered | undefined

  /**
   * Task `task`, holding `held`, takes lock `id` of class `cls`: records the pairs and returns
   * the messages of the O3 violations this acquisition shows (empty when none).
   */
  take(
    task: string,
    held: ReadonlyArray<Held>,
    cls: Rules.LockClass | undefined,
    id: string,
  ): Array<string> {
    if (cls === undefined) return []
    const out: Array<string> = []
    // The acquisition chain: what the task holds, in order, then the lock it takes now (made
    // when a pair is first seen, which is rare).
    let text: string | undefined
    const chain = (): string => {
      text ??= `${task}: ${[...held.map((h) => `${h.id} (${h.cls ?? h.kind})`), `${id} (${cls})`].join(" -> ")}`
      return text
    }
    for (const h of held) {
      if (h.cls === undefined || h.cls === cls) continue
      const pair = `${h.cls}>${cls}`
      if (orderedBefore(cls, h.cls) && !this.seen.has(`!${pair}`)) {
        this.remember(`!${pair}`, chain())
        out.push(
          `${cls} taken while holding ${h.cls}, but ${ruleOrdering(cls, h.cls)} order ${cls} before ${h.cls}; chain ${chain()}`,
        )
      }
      const reverse = this.seen.get(`${cls}>${h.cls}`)
      if (reverse !== undefined && !this.seen.has(`!${pair}`) && !orderedBefore(h.cls, cls)) {
        this.remember(`!${pair}`, chain())
        out.push(`lock inversion between ${h.cls} and ${cls}: now ${chain()}; earlier ${reverse}`)
      }
      if (!this.seen.has(pair)) this.remember(pair, chain())
    }
    return out
  }

  /** A copy for a cloned world: both share the history until one of them adds to it. */
  fork(): Lockdep {
    this.shared = true
    const c = Object.create(Lockdep.prototype) as Lockdep
    c.seen = this.seen
    c.shared = true
    c.key = this.key
    c.keySize = this.keySize
    c.num = this.num
    return c
  }

  /** The pairs seen so far, as a canonical string (part of the state: it decides reports). */
  history(): string {
    if (this.keySize !== this.seen.size) {
      this.key = [...this.seen.keys()].sort().join()
      this.keySize = this.seen.size
    }
    return this.key
  }

  /**
   * The number `intern` gives the history, as text between the key's separators (`|n|`,
   * remembered while the history stays).
   */
  historyText(intern: (part: string) => number): string {
    this.num = numbered(this.num, this.history(), intern, "|", "|")
    return this.num.text
  }

  private remember(pair: string, chain: string): void {
    if (this.shared) {
      this.seen = new Map(this.seen)
      this.shared = false
    }
    this.seen.set(pair, chain)
  }
}
