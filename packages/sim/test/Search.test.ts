import { describe, expect, it } from "vitest"
import { complete, memo, missing } from "../src/Search.js"

// The completed-state memo of the reduced search: a state searched twice with different sleep
// sets keeps both claims. Merging them into the moves asleep in both would claim the classes
// of interleavings that start with a move asleep in the first search AND one asleep in the
// second, which neither searched.
describe("completed states", () => {
  const B = 1
  const C = 2
  const asleepIn = (moves: ReadonlyArray<number>) => (m: number) => moves.includes(m)

  it("a state searched with {c} asleep, then from c with {b} asleep, is not covered for {}", () => {
    const m = memo()
    expect(complete(m, "s", [C], [1])).toBe(true)
    expect(complete(m, "s", [B], [2])).toBe(false)
    const entry = m.cache.get("s")
    if (entry === undefined) throw new Error("no entry")
    expect(entry.sleeps).toEqual([[C], [B]])
    expect(entry.below).toEqual([3])
    // Reached with nothing asleep: one of the two moves must be searched again.
    expect(missing(entry, asleepIn([]))?.length).toBe(1)
    // Reached with either asleep: one of the searches covers it.
    expect(missing(entry, asleepIn([B]))).toBeUndefined()
    expect(missing(entry, asleepIn([C]))).toBeUndefined()
  })

  it("a search with fewer moves asleep replaces the ones it covers", () => {
    const m = memo()
    complete(m, "s", [B, C], [])
    complete(m, "s", [C], [])
    expect(m.cache.get("s")?.sleeps).toEqual([[C]])
  })

  it("the closest search says what is left", () => {
    const m = memo()
    complete(m, "s", [1, 2, 3], [])
    complete(m, "s", [4, 5], [])
    const entry = m.cache.get("s") ?? { sleeps: [], below: [] }
    expect(missing(entry, asleepIn([1, 2]))).toEqual([3])
    expect(missing(entry, asleepIn([4]))).toEqual([5])
  })
})
