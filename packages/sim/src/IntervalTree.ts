/**
 * An interval tree: a treap ordered by interval start, each node carrying the largest end in
 * its subtree, so "which intervals contain point p" (or overlap a range) costs O(log n + hits). The rmap keeps its
 * i_mmap and anon_vma trees in it (pgoff ranges of VMAs), like the kernel's interval trees.
 * Priorities come from a hash of the item's key, so the shape is deterministic.
 *
 * @since 0.1.0
 */

interface Node<T> {
  readonly item: T
  readonly start: number
  readonly end: number
  readonly priority: number
  left: Node<T> | undefined
  right: Node<T> | undefined
  maxEnd: number
}

const hash = (n: number): number => {
  let x = Math.imul(n ^ (n >>> 16), 0x45d9f3b)
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b)
  return (x ^ (x >>> 16)) >>> 0
}

const fix = <T>(n: Node<T>): Node<T> => {
  n.maxEnd = Math.max(n.end, n.left?.maxEnd ?? -Infinity, n.right?.maxEnd ?? -Infinity)
  return n
}

/** Splits `t` into nodes ordered before `(start, key)` and the rest. */
const split = <T>(
  t: Node<T> | undefined,
  start: number,
  key: number,
  keyOf: (x: T) => number,
): [Node<T> | undefined, Node<T> | undefined] => {
  if (t === undefined) return [undefined, undefined]
  if (t.start < start || (t.start === start && keyOf(t.item) < key)) {
    const [l, r] = split(t.right, start, key, keyOf)
    t.right = l
    return [fix(t), r]
  }
  const [l, r] = split(t.left, start, key, keyOf)
  t.left = r
  return [l, fix(t)]
}

const merge = <T>(a: Node<T> | undefined, b: Node<T> | undefined): Node<T> | undefined => {
  if (a === undefined) return b
  if (b === undefined) return a
  if (a.priority > b.priority) {
    a.right = merge(a.right, b)
    return fix(a)
  }
  b.left = merge(a, b.left)
  return fix(b)
}

/** A set of items, each with a half-open interval [start, end). */
export class IntervalTree<T extends object> {
  private root: Node<T> | undefined
  private readonly span: (x: T) => readonly [number, number]
  /** Each item's key (a serial number) and the start it was inserted with. */
  private readonly placed = new WeakMap<T, { readonly key: number; readonly start: number }>()
  private serial = 0
  /** Number of items. */
  size = 0

  /** `span` gives an item's interval at insertion time. */
  constructor(span: (x: T) => readonly [number, number]) {
    this.span = span
  }

  private keyOf = (x: T): number => this.placed.get(x)?.key ?? -1

  /** Adds `item` with its current interval (an item already in the tree is moved). */
  insert(item: T): void {
    this.remove(item)
    const [start, end] = this.span(item)
    const key = this.serial++
    this.placed.set(item, { key, start })
    const node: Node<T> = {
      item,
      start,
      end,
      priority: hash(key),
      left: undefined,
      right: undefined,
      maxEnd: end,
    }
    const [l, r] = split(this.root, start, key, this.keyOf)
    this.root = merge(merge(l, node), r)
    this.size++
  }

  /** Removes `item`, wherever its interval has moved since. Returns whether it was there. */
  remove(item: T): boolean {
    const at = this.placed.get(item)
    if (at === undefined) return false
    const [l, rest] = split(this.root, at.start, at.key, this.keyOf)
    const [, r] = split(rest, at.start, at.key + 1, this.keyOf)
    this.root = merge(l, r)
    this.placed.delete(item)
    this.size--
    return true
  }

  /** Is `item` in the tree? O(1). */
  has(item: T): boolean {
    return this.placed.has(item)
  }

  /** The items whose interval contains `point`, in start order. O(log n + hits). */
  stab(point: number): Array<T> {
    return this.overlapping(point, point + 1)
  }

  /**
   * The items whose interval overlaps [lo, hi), in start order (what the kernel's
   * vma_interval_tree_foreach visits). O(log n + hits).
   */
  overlapping(lo: number, hi: number): Array<T> {
    const out: Array<T> = []
    const rec = (n: Node<T> | undefined) => {
      if (n === undefined || n.maxEnd <= lo) return
      rec(n.left)
      if (n.start < hi) {
        if (lo < n.end) out.push(n.item)
        rec(n.right)
      }
    }
    rec(this.root)
    return out
  }

  /** Every item, in start order. */
  items(): Array<T> {
    const out: Array<T> = []
    const rec = (n: Node<T> | undefined) => {
      if (n === undefined) return
      rec(n.left)
      out.push(n.item)
      rec(n.right)
    }
    rec(this.root)
    return out
  }
}
