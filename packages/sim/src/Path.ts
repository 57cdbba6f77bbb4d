/**
 * The current path of a reduced search (`Dpor`): the moves made on it with their happens-before
 * vector clocks, and per state on it which move was each task's last and which woke it up.
 * Clocks live in flat typed arrays, a row per position on the path, instead of an array per
 * move: a search makes millions of moves and keeps only the path's.
 *
 * The move at position p is the one made from the state at depth p (the root is at depth 0);
 * row `events.length` of the clocks is the move being made, before it joins the path.
 *
 * @since 0.2.0
 */

/** One move on the path (or being made), with where its clock is (`Path.vc`). */
export interface Event {
  readonly move: number
  readonly task: number
  /** The footprint's number (see `Prints`). */
  readonly fp: number
  /** Its own number among its task's moves (1 for the first). */
  readonly idx: number
  /** Its position on the path (the row of its clock). */
  readonly at: number
  /** Where the previous move of its task is on the path (-1: nowhere). */
  readonly prev: number
}

/** The path of one search: its events, their clocks, and the states' last and waking moves. */
export class Path {
  readonly events: Array<Event> = []
  /** Per task: where its last event is on the path (-1: nowhere). */
  readonly lastAt: Int32Array
  /** Row p: the clock of the move at position p (`[t]`: how many moves of task t are it or happen before it). */
  private clock: Int32Array
  /** Row d: per task, the position of its last move before the state at depth d (-1: none). */
  private last: Int32Array
  /** Row d: per task, the position of the move that woke it before the state at depth d (-1: none). */
  private woke: Int32Array
  /**
   * Row d: `before(q, t)` with no move being made, for every pair (q, t) (made on first use for
   * the state at depth d, when `based[d]` is 1): states reached again ask it once per move.
   */
  private bases: Int32Array
  private based: Uint8Array
  /** Rows the arrays have room for. */
  private rows = 64
  /**
   * Per event: where the first later event not ordered after it is (-1: none found yet), and
   * how far the path after it has been looked at for one. Cut back with the path: reversals
   * look again and again behind the same events, from every state reached again below them.
   */
  private readonly found: Array<number> = []
  private readonly scanned: Array<number> = []

  constructor(readonly tasks: number) {
    this.lastAt = new Int32Array(tasks).fill(-1)
    this.clock = new Int32Array(this.rows * tasks)
    this.last = new Int32Array(this.rows * tasks).fill(-1)
    this.woke = new Int32Array(this.rows * tasks).fill(-1)
    this.bases = new Int32Array(this.rows * tasks * tasks)
    this.based = new Uint8Array(this.rows)
  }

  /** Entry `t` of the clock of the move at position `at`. */
  vc(at: number, t: number): number {
    return this.clock[at * this.tasks + t] as number
  }

  /**
   * Starts the clock of the move of `task` from the state at the end of the path: what its
   * task's last move and the move that woke it happen after. Returns the move's number among
   * its task's.
   */
  begin(task: number): number {
    const d = this.events.length
    if (d + 2 > this.rows) this.grow()
    const n = this.tasks
    this.clock.fill(0, d * n, d * n + n)
    const l = this.last[d * n + task] as number
    const k = this.woke[d * n + task] as number
    if (l >= 0) this.join(l)
    if (k >= 0) this.join(k)
    return l < 0 ? 1 : this.vc(l, task) + 1
  }

  /** Joins the clock of the move at `at` into the clock of the move being made. */
  join(at: number): void {
    const n = this.tasks
    const c = this.clock
    const into = this.events.length * n
    const from = at * n
    for (let t = 0; t < n; t++)
      if ((c[from + t] as number) > (c[into + t] as number)) c[into + t] = c[from + t] as number
  }

  /** Sets entry `t` of the clock of the move being made. */
  set(t: number, value: number): void {
    this.clock[this.events.length * this.tasks + t] = value
  }

  /**
   * How many moves of each task t happen before the next move of task `q` from the state at the
   * end of the path, after `x` (the move being made), which woke the tasks marked in `woken`:
   * written to `into` from `at` on (one entry per task).
   */
  before(q: number, x: Event, woken: Uint8Array, into: Int32Array, at: number): void {
    const d = this.events.length
    const n = this.tasks
    if (x.task !== q && woken[q] !== 1) {
      if (this.based[d] === 0) this.base(d)
      const from = (d * n + q) * n
      for (let t = 0; t < n; t++) into[at + t] = this.bases[from + t] as number
      return
    }
    const l = x.task === q ? d : (this.last[d * n + q] as number)
    const k = woken[q] === 1 ? d : (this.woke[d * n + q] as number)
    for (let t = 0; t < n; t++)
      into[at + t] = Math.max(l < 0 ? 0 : this.vc(l, t), k < 0 ? 0 : this.vc(k, t))
  }

  /** Adds `x`, the move being made, to the path; it woke the tasks marked in `woken`. */
  push(x: Event, woken: Uint8Array): void {
    const d = this.events.length
    const n = this.tasks
    this.last.copyWithin((d + 1) * n, d * n, d * n + n)
    this.woke.copyWithin((d + 1) * n, d * n, d * n + n)
    this.last[(d + 1) * n + x.task] = d
    this.based[d + 1] = 0
    for (let q = 0; q < n; q++) if (woken[q] === 1) this.woke[(d + 1) * n + q] = d
    this.lastAt[x.task] = d
    this.found.push(-1)
    this.scanned.push(d + 1)
    this.events.push(x)
  }

  /** Takes the last move off the path. */
  pop(): void {
    const e = this.events.pop()
    if (e === undefined) return
    this.lastAt[e.task] = e.prev
    const at = this.events.length
    for (let i = 0; i < at; i++)
      if (this.found[i] === at) {
        this.found[i] = -1
        this.scanned[i] = at
      } else if ((this.scanned[i] as number) > at) this.scanned[i] = at
    this.found.pop()
    this.scanned.pop()
  }

  /** Is `y` (at or after event `e`) ordered after `e`? */
  after(e: Event, y: Event): boolean {
    return e.idx <= this.vc(y.at, e.task)
  }

  /** Where the first event after event `i` not ordered after it is (the path's length: none). */
  firstAfter(i: number): number {
    const f = this.found[i] as number
    if (f >= 0) return f
    const e = this.events[i] as Event
    for (let j = this.scanned[i] as number; j < this.events.length; j++)
      if (!this.after(e, this.events[j] as Event)) {
        this.found[i] = j
        return j
      }
    this.scanned[i] = this.events.length
    return this.events.length
  }

  /** Makes row d of `bases`. */
  private base(d: number): void {
    const n = this.tasks
    for (let q = 0; q < n; q++) {
      const l = this.last[d * n + q] as number
      const k = this.woke[d * n + q] as number
      for (let t = 0; t < n; t++)
        this.bases[(d * n + q) * n + t] = Math.max(
          l < 0 ? 0 : this.vc(l, t),
          k < 0 ? 0 : this.vc(k, t),
        )
    }
    this.based[d] = 1
  }

  private grow(): void {
    const n = this.tasks
    const wider = (a: Int32Array, fill: number) => {
      const b = new Int32Array(2 * this.rows * n).fill(fill)
      b.set(a)
      return b
    }
    this.clock = wider(this.clock, 0)
    this.last = wider(this.last, -1)
    this.woke = wider(this.woke, -1)
    const bases = new Int32Array(2 * this.rows * n * n)
    bases.set(this.bases)
    this.bases = bases
    const based = new Uint8Array(2 * this.rows)
    based.set(this.based)
    this.based = based
    this.rows *= 2
  }
}
