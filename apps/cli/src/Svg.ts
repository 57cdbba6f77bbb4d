/**
 * The swimlane as a picture (`--svg OUT`): one column per task, one row per step, each step with
 * its source line; the last step (where the rule broke) is marked.
 */
import { basename } from "node:path"
import type { Outcome } from "./Explore.js"

const xml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

const COL = 300
const ROW = 34
const TOP = 70

/** An SVG document of the outcome's timeline (a "safe" outcome draws the tasks only). */
export const svg = (x: Outcome): string => {
  const rows = x.timeline ?? []
  const width = 40 + COL * x.tasks.length
  const height = TOP + ROW * rows.length + 20
  const title = x.violation
    ? `violation of ${x.violation.rule} (${x.violation.kind}) in ${x.violation.task}`
    : x.verdict
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="monospace" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="22" font-size="14" font-weight="bold">${xml(title)}</text>`,
  ]
  x.tasks.forEach((t, i) => {
    const cx = 40 + i * COL
    out.push(
      `<text x="${cx}" y="${TOP - 16}" font-weight="bold">${xml(t.name)}</text>`,
      `<line x1="${cx + COL / 2 - 10}" y1="${TOP - 8}" x2="${cx + COL / 2 - 10}" y2="${height - 10}" stroke="#ccc"/>`,
    )
  })
  rows.forEach((r, k) => {
    const x0 = 40 + r.task * COL
    const y = TOP + k * ROW
    const last = k === rows.length - 1 && x.violation !== undefined
    const src = r.source ? `${basename(r.source.file)}:${r.source.line}` : ""
    out.push(
      `<rect x="${x0}" y="${y}" width="${COL - 20}" height="${ROW - 6}" rx="4" fill="${last ? "#fdd" : r.blocked ? "#eee" : "#e8f0fe"}" stroke="${last ? "#c00" : "#88a"}"/>`,
      `<text x="${x0 + 6}" y="${y + 13}">${xml(`${k + 1}. ${r.text}${r.blocked ? " (waits)" : ""}`)}</text>`,
      `<text x="${x0 + 6}" y="${y + 25}" fill="#666" font-size="10">${xml(src)}</text>`,
    )
  })
  out.push("</svg>")
  return `${out.join("\n")}\n`
}
