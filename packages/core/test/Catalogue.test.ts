import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { Catalogue, Rules } from "../src/index.js"

// The spec lives beside the repository (../shared, as CI lays it out); a clone without it
// checks the catalogue against core's own table only.
const spec = join(import.meta.dirname, "..", "..", "..", "..", "shared", "spec", "RULES.md")

describe("the rule catalogue", () => {
  it("names every rule the rule table cites", () => {
    const cited = [
      ...Object.values(Rules.Operations).map((op) => op.id),
      ...Rules.Ordering.map((o) => o.id),
    ]
    for (const id of cited) expect(Catalogue.Ids, id).toContain(id)
    expect(Catalogue.Revision2.every(Catalogue.isRuleId)).toBe(true)
    expect(Catalogue.summary("P7")).toContain("free_pgtables")
    expect(Catalogue.summary("X1")).toBeUndefined()
  })

  it.skipIf(!existsSync(spec))(
    "holds exactly the IDs of RULES.md, in its order, and its rev-2 list",
    () => {
      const text = readFileSync(spec, "utf8")
      const ids = [...text.matchAll(/^- ([LFPOV]\d+)\b/gm)].map((m) => m[1])
      expect(Catalogue.Ids).toEqual(ids)
      // "New or changed IDs in revision 2: L3, ..., V1-V4, V7, V8 (marked "rev 2")".
      const list = /revision\s+2:\s*([^(]*)\(marked "rev 2"\)/.exec(text)?.[1]
      expect(list).toBeDefined()
      const expanded = (list ?? "")
        .split(/[,\s]+/)
        .filter((x) => x.length > 0)
        .flatMap((x) => {
          const range = /^([A-Z])(\d+)-[A-Z](\d+)$/.exec(x)
          if (!range) return [x]
          const [, letter, from, to] = range
          return Array.from(
            { length: Number(to) - Number(from) + 1 },
            (_, i) => `${letter}${Number(from) + i}`,
          )
        })
      expect([...Catalogue.Revision2].sort()).toEqual(expanded.sort())
    },
  )
})
