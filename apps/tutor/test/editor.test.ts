import { describe, expect, it } from "vitest"
import * as Editor from "../src/engine/Editor.js"

describe("the type puzzles' editor buffer", () => {
  it("inserts, splits lines keeping the indentation, and joins them again", () => {
    let b = Editor.fromText("  a(b)")
    b = Editor.move(Editor.move(b, "end"), "left")
    b = Editor.newline(b)
    expect(Editor.toText(b)).toBe("  a(b\n  )")
    expect([b.row, b.col]).toEqual([1, 2])
    b = Editor.backspace(Editor.backspace(Editor.backspace(b)))
    expect(Editor.toText(b)).toBe("  a(b)")
    expect([b.row, b.col]).toEqual([0, 5])
    b = Editor.insert(b, "xy")
    expect(Editor.toText(b)).toBe("  a(bxy)")
  })

  it("delete joins the next line at a line end; moves wrap and clamp", () => {
    let b = Editor.fromText("ab\ncdef\ng")
    b = Editor.del(Editor.move(b, "end"))
    expect(Editor.toText(b)).toBe("abcdef\ng")
    b = Editor.move(Editor.move(b, "end"), "down")
    expect([b.row, b.col]).toEqual([1, 1])
    b = Editor.move(Editor.move(b, "home"), "left")
    expect([b.row, b.col]).toEqual([0, 6])
    b = Editor.move(b, "right")
    expect([b.row, b.col]).toEqual([1, 0])
    expect(Editor.backspace(Editor.fromText("x"))).toEqual(Editor.fromText("x"))
    expect(Editor.del(Editor.move(Editor.fromText("x"), "end")).lines).toEqual(["x"])
  })
})
