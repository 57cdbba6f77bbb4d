import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { IntervalTree } from "../src/IntervalTree.js"

interface Item {
  start: number
  end: number
}

describe("IntervalTree", () => {
  it("stab and range queries equal a linear scan under random inserts, moves and removes", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            op: fc.constantFrom("insert", "remove", "move"),
            start: fc.integer({ min: 0, max: 100 }),
            len: fc.integer({ min: 1, max: 30 }),
            pick: fc.nat(),
            point: fc.integer({ min: 0, max: 140 }),
          }),
          { maxLength: 80 },
        ),
        (ops) => {
          const tree = new IntervalTree<Item>((x) => [x.start, x.end])
          const all: Array<Item> = []
          for (const o of ops) {
            if (o.op === "insert") {
              const item = { start: o.start, end: o.start + o.len }
              all.push(item)
              tree.insert(item)
            } else if (all.length > 0) {
              const item = all[o.pick % all.length] as Item
              if (o.op === "remove") {
                tree.remove(item)
                all.splice(all.indexOf(item), 1)
              } else {
                // The item's interval changes while it sits in the tree: remove still finds it.
                item.start = o.start
                item.end = o.start + o.len
                expect(tree.remove(item)).toBe(true)
                tree.insert(item)
              }
            }
            const expected = all.filter((x) => x.start <= o.point && o.point < x.end)
            expect(new Set(tree.stab(o.point))).toEqual(new Set(expected))
            // A range query [point, point + len) returns the overlapping items in start order.
            const hi = o.point + o.len
            const overlapping = tree.overlapping(o.point, hi)
            expect(new Set(overlapping)).toEqual(
              new Set(all.filter((x) => x.start < hi && o.point < x.end)),
            )
            expect(overlapping.map((x) => x.start)).toEqual(
              overlapping.map((x) => x.start).sort((a, b) => a - b),
            )
            expect(tree.size).toBe(all.length)
          }
        },
      ),
      { numRuns: 200 },
    )
  })
})
