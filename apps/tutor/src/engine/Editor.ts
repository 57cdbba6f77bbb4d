/**
 * A small multi-line text buffer with a cursor, as pure functions (the type puzzles' in-game
 * editor): insert, newline, backspace, delete, cursor moves. The column is kept within the line.
 */

/** The text as lines, and the cursor. */
export interface Buffer {
  readonly lines: ReadonlyArray<string>
  readonly row: number
  readonly col: number
}

/** A buffer over `text`, the cursor at its start. */
export const fromText = (text: string): Buffer => ({ lines: text.split("\n"), row: 0, col: 0 })

/** The buffer's text. */
export const toText = (b: Buffer): string => b.lines.join("\n")

const line = (b: Buffer, row = b.row): string => b.lines[row] ?? ""
const clampCol = (b: Buffer): Buffer => ({ ...b, col: Math.min(b.col, line(b).length) })
const replaceLines = (b: Buffer, from: number, count: number, ...ls: Array<string>) => {
  const lines = [...b.lines]
  lines.splice(from, count, ...ls)
  return lines
}

/** Inserts `text` (no newlines) at the cursor. */
export const insert = (b: Buffer, text: string): Buffer => {
  const l = line(b)
  return {
    lines: replaceLines(b, b.row, 1, l.slice(0, b.col) + text + l.slice(b.col)),
    row: b.row,
    col: b.col + text.length,
  }
}

/** Splits the line at the cursor, keeping the line's indentation on the new one. */
export const newline = (b: Buffer): Buffer => {
  const l = line(b)
  const indent = /^\s*/.exec(l)?.[0] ?? ""
  return {
    lines: replaceLines(b, b.row, 1, l.slice(0, b.col), indent + l.slice(b.col)),
    row: b.row + 1,
    col: indent.length,
  }
}

/** Deletes the character before the cursor (joining lines at a line start). */
export const backspace = (b: Buffer): Buffer => {
  if (b.col > 0) {
    const l = line(b)
    return {
      ...b,
      lines: replaceLines(b, b.row, 1, l.slice(0, b.col - 1) + l.slice(b.col)),
      col: b.col - 1,
    }
  }
  if (b.row === 0) return b
  const prev = line(b, b.row - 1)
  return {
    lines: replaceLines(b, b.row - 1, 2, prev + line(b)),
    row: b.row - 1,
    col: prev.length,
  }
}

/** Deletes the character under the cursor (joining the next line at a line end). */
export const del = (b: Buffer): Buffer => {
  const l = line(b)
  if (b.col < l.length)
    return { ...b, lines: replaceLines(b, b.row, 1, l.slice(0, b.col) + l.slice(b.col + 1)) }
  if (b.row >= b.lines.length - 1) return b
  return { ...b, lines: replaceLines(b, b.row, 2, l + line(b, b.row + 1)) }
}

/** Moves the cursor. */
export const move = (b: Buffer, dir: "up" | "down" | "left" | "right" | "home" | "end"): Buffer => {
  switch (dir) {
    case "up":
      return clampCol({ ...b, row: Math.max(0, b.row - 1) })
    case "down":
      return clampCol({ ...b, row: Math.min(b.lines.length - 1, b.row + 1) })
    case "left":
      return b.col > 0
        ? { ...b, col: b.col - 1 }
        : b.row > 0
          ? { ...b, row: b.row - 1, col: line(b, b.row - 1).length }
          : b
    case "right":
      return b.col < line(b).length
        ? { ...b, col: b.col + 1 }
        : b.row < b.lines.length - 1
          ? { ...b, row: b.row + 1, col: 0 }
          : b
    case "home":
      return { ...b, col: 0 }
    case "end":
      return { ...b, col: line(b).length }
  }
}
