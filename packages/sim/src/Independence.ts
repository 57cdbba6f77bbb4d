/**
 * The independence relation of the reduced searches, over the footprints `World.footprint`
 * gives moves: when two moves commute, and the numbered forms a search keeps of footprints
 * (`Prints`) and of the moves run below states (`Dones`), so that its hot loops compare numbers
 * and bitsets instead of resource paths.
 *
 * @since 0.2.0
 */
import type { Footprint } from "./World.js"

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

/** A trie of resource lists: the footprints whose reads (then writes) start with a path. */
interface Trie {
  readonly next: Map<string, Trie>
  /** Where the writes start, after reads that end here. */
  writes: Trie | undefined
  /** The number of the footprint that ends here (-1: none). */
  id: number
}

const trie = (): Trie => ({ next: new Map(), writes: undefined, id: -1 })

/** The child of `t` along `r`, made if new. */
const child = (t: Trie, r: string): Trie => {
  let c = t.next.get(r)
  if (c === undefined) {
    c = trie()
    t.next.set(r, c)
  }
  return c
}

/**
 * Footprints numbered by their resource lists (looked up in a trie, without building a text per
 * footprint), with the dependence of every pair asked for remembered: a search meets a few
 * hundred footprints millions of times, so each pair is compared once.
 */
export class Prints {
  private readonly ids = trie()
  private readonly all: Array<Footprint> = []
  /** Pair (a, b) -> 1 independent, 2 dependent (0: not asked yet), in rows of `a`. */
  private readonly rows: Array<Uint8Array> = []

  /** The number of footprint `fp`. */
  id(fp: Footprint): number {
    let t = this.ids
    for (let i = 0; i < fp.reads.length; i++) t = child(t, fp.reads[i] as string)
    t.writes ??= trie()
    t = t.writes
    for (let i = 0; i < fp.writes.length; i++) t = child(t, fp.writes[i] as string)
    if (t.id < 0) {
      t.id = this.all.length
      this.all.push(fp)
    }
    return t.id
  }

  /** The footprint numbered `id`. */
  get(id: number): Footprint {
    return this.all[id] as Footprint
  }

  /** Are the moves of footprints `a` and `b` (numbers) dependent? */
  dependent(a: number, b: number): boolean {
    return this.dependentIn(this.row(a), a, b)
  }

  /**
   * The row of footprint `a`: what `dependentIn` reads, wide enough for every footprint
   * numbered so far (valid until the next new footprint).
   */
  row(a: number): Uint8Array {
    let row = this.rows[a]
    if (row === undefined || row.length < this.all.length) {
      const wider = new Uint8Array(Math.max(64, this.all.length * 2))
      if (row) wider.set(row)
      row = wider
      this.rows[a] = row
    }
    return row
  }

  /** `dependent(a, b)`, given `row`, a `row(a)` (made before `b` was numbered, it is asked anew). */
  dependentIn(row: Uint8Array, a: number, b: number): boolean {
    if (b >= row.length) return this.dependent(a, b)
    let d = row[b] as number
    if (d === 0) {
      d = dependent(this.get(a), this.get(b)) ? 2 : 1
      row[b] = d
    }
    return d === 2
  }
}

/** Sets bit `id` of the bitset `bits`, growing it with zero words (no holes: reads stay fast). */
export const setBit = (bits: Array<number>, id: number): void => {
  while (bits.length <= id >>> 5) bits.push(0)
  bits[id >>> 5] = (bits[id >>> 5] as number) | (1 << (id & 31))
}

/**
 * The moves run below states, numbered: (task, footprint) pairs, where with symmetry the task
 * stands for its class and the footprint is generalised (the state may be an image of the one
 * searched). For the races of a state reached again it answers, from the bitset of what ran
 * below it, which tasks ran a move dependent on a given footprint, with bitsets: per task the
 * moves it may have made, per footprint the moves dependent on it (grown as moves are added).
 */
export class Dones {
  private readonly ids = new Map<number, number>()
  private count = 0
  private readonly fps: Array<number> = []
  /** Per task: the bitset of moves it may have made. */
  private readonly byTask: Array<Array<number>> = []
  /** Per footprint number: the bitset of moves dependent on it, complete up to `upTo`. */
  private readonly against: Array<{ bits: Array<number>; upTo: number } | undefined> = []

  constructor(private readonly prints: Prints) {}

  /** The number of the move keyed `key`, if it has one. */
  known(key: number): number | undefined {
    return this.ids.get(key)
  }

  /** The number of the move (`tasks`, `fp`) keyed `key`, added if new. */
  id(key: number, tasks: () => ReadonlyArray<number>, fp: () => number): number {
    let id = this.ids.get(key)
    if (id === undefined) {
      id = this.count++
      this.ids.set(key, id)
      this.fps.push(fp())
      for (const t of tasks()) {
        const bits = this.byTask[t] ?? []
        this.byTask[t] = bits
        setBit(bits, id)
      }
    }
    return id
  }

  /** The moves dependent on footprint `fp`, as a bitset. */
  private dependentOn(fp: number): Array<number> {
    let d = this.against[fp]
    if (d === undefined) {
      d = { bits: [], upTo: 0 }
      this.against[fp] = d
    }
    for (; d.upTo < this.count; d.upTo++)
      if (this.prints.dependent(this.fps[d.upTo] as number, fp)) setBit(d.bits, d.upTo)
    return d.bits
  }

  /**
   * Splits `below` by task: `rows[t]` (grown as needed) gets the moves of `below` task t may
   * have made, and `out[t]` is 1 when there is one. Returns how many words the rows hold.
   */
  split(below: ReadonlyArray<number>, rows: Array<Int32Array>, out: Uint8Array): number {
    const words = below.length
    for (let t = 0; t < out.length; t++) {
      let row = rows[t]
      if (row === undefined || row.length < words) {
        row = new Int32Array(Math.max(words, 2 * (row?.length ?? 0)))
        rows[t] = row
      }
      const mine = this.byTask[t]
      let any = 0
      for (let w = 0; w < words; w++) {
        const x = mine === undefined ? 0 : (below[w] as number) & (mine[w] ?? 0)
        row[w] = x
        any |= x
      }
      out[t] = any === 0 ? 0 : 1
    }
    return words
  }

  /** Does `row` (a task's row of `split`, `words` long) hold a move dependent on `fp`? */
  races(row: Int32Array, words: number, fp: number): boolean {
    const dep = this.dependentOn(fp)
    for (let w = 0; w < words; w++) if (((row[w] as number) & (dep[w] ?? 0)) !== 0) return true
    return false
  }
}
