import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Arch, Frames, Mm, PageTable, Pte } from "../src/index.js"

const fresh = (arch = Arch.x86_64_la57) => {
  const frames = new Frames()
  return { frames, pt: new PageTable(arch, frames) }
}
const page = (frames: Frames) => Pte.make(frames.alloc(), Pte.PRESENT | Pte.USER)

describe("PageTable", () => {
  it("walk reports all five levels, folded ones as folded (P1)", () => {
    const { pt } = fresh(Arch.i386_pae)
    expect(pt.walk(0x1234).map((s) => [s.level, s.folded])).toEqual([
      ["pgd", false],
      ["p4d", true],
      ["pud", true],
      ["pmd", false],
      ["pte", false],
    ])
  })

  it("install allocates only the tables on the path; a folded level never allocates (P12)", () => {
    const { pt, frames } = fresh(Arch.x86_64)
    expect(pt.install(5, page(frames))).toBeUndefined()
    // PGD + PUD + PMD + PTE tables (P4D folded).
    expect(pt.tables).toBe(4)
    expect(pt.walk(5).every((s) => s.present || s.folded)).toBe(true)
  })

  it("is sparse: pages 2^40 apart cost one path each (x86-64 5-level)", () => {
    const { pt, frames } = fresh()
    for (let i = 0; i < 8; i++)
      expect(pt.install((i * 2 ** 40) / 4096, page(frames))).toBeUndefined()
    expect(pt.tables).toBeLessThanOrEqual(1 + 8 * 4)
    expect(pt.entries()).toHaveLength(8)
  })

  it("rejects a non-user address with a P1 error and changes nothing", () => {
    const { pt, frames } = fresh(Arch.x86_64)
    const before = frames.inUse
    expect(pt.install(2 ** 47 / 4096, page(frames))).toMatchObject({
      kind: "BadAddress",
      rule: "P1",
    })
    expect(pt.tables).toBe(1)
    expect(frames.inUse).toBe(before + 1) // only the frame the test allocated
  })

  it("getAndClear returns the old entry and drops the page reference (P13)", () => {
    const { pt, frames } = fresh()
    const e = page(frames)
    pt.install(7, e)
    expect(frames.count(Pte.pfn(e))).toBe(2)
    expect(pt.getAndClear(7)).toBe(e)
    expect(pt.read(7)).toBe(0)
    expect(frames.count(Pte.pfn(e))).toBe(1)
  })

  it("free_pgtables refuses while leaves remain (P7) and frees after a zap (P4)", () => {
    const { pt, frames } = fresh(Arch.x86_64)
    for (let v = 0; v < 600; v++) pt.install(v, page(frames))
    expect(pt.freeTables(0, 1024)).toMatchObject({ kind: "LeavesRemain", rule: "P7" })
    expect(pt.countLeaves(0, 1024)).toBe(600)
    expect(pt.zap(0, 1024)).toBe(600)
    expect(pt.tables).toBe(5)
    // Only tables whose whole span is inside the range go: the two PTE tables.
    expect(pt.freeTables(0, 1024)).toBe(2)
  })

  it("move_page_tables moves whole leaf tables (P14) and refuses misaligned moves", () => {
    const { pt, frames } = fresh(Arch.x86_64)
    const e = page(frames)
    pt.install(3, e)
    expect(pt.moveTables(0, 512 * 4, 100)).toMatchObject({ kind: "Misaligned", rule: "P14" })
    expect(pt.moveTables(0, 512 * 4, 512)).toBeUndefined()
    expect(pt.read(3)).toBe(0)
    expect(pt.read(512 * 4 + 3)).toBe(e)
  })

  it("retract unlinks an empty PTE table and frees it only after a grace period (P10, P15)", () => {
    const { pt, frames } = fresh(Arch.x86_64)
    pt.install(3, page(frames))
    expect(pt.retract(3)).toMatchObject({ kind: "TableNotEmpty", rule: "P15" })
    pt.zap(0, 512)
    const inUse = frames.inUse
    expect(pt.retract(3)).toBeUndefined()
    expect(frames.inUse).toBe(inUse)
    expect(frames.pendingFrees).toHaveLength(1)
    frames.gracePeriod()
    expect(frames.inUse).toBe(inUse - 1)
  })
})

describe("Frames", () => {
  it("claim takes a chosen frame that alloc then never hands out; a mapped one gains a ref", () => {
    const frames = new Frames()
    expect(frames.claim(5)).toBeUndefined()
    const handed = Array.from({ length: 8 }, () => frames.alloc())
    expect(handed).not.toContain(5)
    expect(frames.claim(5)).toBeUndefined()
    expect(frames.count(5)).toBe(2)
    expect(frames.claim(0)?.rule).toBe("P3")
    expect(frames.inUse).toBe(9)
  })
})

describe("Mm", () => {
  it("finds VMAs by address and refuses overlaps", () => {
    const mm = new Mm("p", Arch.x86_64, new Frames())
    const a = mm.insert({ start: 10, end: 20 })
    mm.insert({ start: 30, end: 40 })
    expect(mm.find(15)).toBe(a)
    expect(mm.find(25)).toBeUndefined()
    expect(mm.insert({ start: 15, end: 35 })).toMatchObject({ kind: "VmaOverlap" })
    expect(mm.vmas).toHaveLength(2)
  })

  it("splits and merges back", () => {
    const mm = new Mm("p", Arch.x86_64, new Frames())
    const a = mm.insert({ start: 10, end: 20 })
    if (!("id" in a)) throw new Error("insert failed")
    const upper = mm.split(a, 15)
    expect(mm.vmas.map((v) => [v.start, v.end])).toEqual([
      [10, 15],
      [15, 20],
    ])
    expect("id" in upper && upper.pgoff).toBe(15)
    mm.mergeNext(a)
    expect(mm.vmas.map((v) => [v.start, v.end])).toEqual([[10, 20]])
  })
})

// Reference model: a flat Map from page number to entry.
type Op =
  | { op: "map"; vpn: number }
  | { op: "zap"; vpn: number; len: number }
  | { op: "free"; vpn: number; len: number }
  | { op: "move"; from: number; to: number }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("map" as const), vpn: fc.integer({ min: 0, max: 4095 }) }),
  fc.record({
    op: fc.constant("zap" as const),
    vpn: fc.integer({ min: 0, max: 4095 }),
    len: fc.integer({ min: 1, max: 1024 }),
  }),
  fc.record({
    op: fc.constant("free" as const),
    vpn: fc.integer({ min: 0, max: 7 }).map((i) => i * 512),
    len: fc.integer({ min: 1, max: 4 }).map((i) => i * 512),
  }),
  fc.record({
    op: fc.constant("move" as const),
    from: fc.integer({ min: 0, max: 7 }).map((i) => i * 512),
    to: fc.integer({ min: 0, max: 7 }).map((i) => i * 512),
  }),
)

/** Applies `o` to `pt` and to the flat `model`; checks that a refused op changes nothing. */
const apply = (pt: PageTable, frames: Frames, model: Map<number, number>, o: Op): void => {
  const before = JSON.stringify(pt.entries())
  const tables = pt.tables
  if (o.op === "map") {
    const e = page(frames)
    const err = pt.install(o.vpn, e)
    if (err === undefined) model.set(o.vpn, e)
    frames.put(Pte.pfn(e)) // the page is now owned by the mapping only
  } else if (o.op === "zap") {
    pt.zap(o.vpn, o.vpn + o.len)
    for (const k of [...model.keys()]) if (k >= o.vpn && k < o.vpn + o.len) model.delete(k)
  } else if (o.op === "free") {
    const r = pt.freeTables(o.vpn, o.vpn + o.len)
    if (typeof r !== "number") {
      expect(JSON.stringify(pt.entries())).toBe(before)
      expect(pt.tables).toBe(tables)
    }
  } else {
    const err = pt.moveTables(o.from, o.to, 512)
    if (err === undefined) {
      const moved = [...model].filter(([k]) => k >= o.from && k < o.from + 512)
      for (const [k] of moved) model.delete(k)
      for (const [k, v] of moved) model.set(k - o.from + o.to, v)
    } else expect(JSON.stringify(pt.entries())).toBe(before)
  }
  expect(pt.entries()).toEqual([...model].sort((a, b) => a[0] - b[0]))
}

describe("PageTable against a reference model (fast-check)", () => {
  it("random map/zap/free/move keep entries equal to a flat map and leak nothing", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const { pt, frames } = fresh(Arch.x86_64)
        const model = new Map<number, number>()
        for (const o of ops) apply(pt, frames, model, o)
        // No leaks: frames in use are exactly the mapped pages plus the table pages.
        expect(frames.inUse).toBe(model.size + pt.tablePfns().length)
      }),
      { numRuns: 200 },
    )
  })

  it("a clone shares tables until written, yet the two evolve independently (copy on write)", () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 20 }),
        fc.array(fc.tuple(fc.boolean(), opArb), { maxLength: 40 }),
        (prefix, after) => {
          const { pt, frames } = fresh(Arch.x86_64)
          const model = new Map<number, number>()
          for (const o of prefix) apply(pt, frames, model, o)
          const frames2 = frames.clone()
          const sides = [
            { pt, frames, model },
            { pt: pt.clone(frames2), frames: frames2, model: new Map(model) },
          ]
          for (const [which, o] of after) {
            const side = sides[which ? 1 : 0] as (typeof sides)[0]
            apply(side.pt, side.frames, side.model, o)
          }
          for (const side of sides) {
            expect(side.pt.entries()).toEqual([...side.model].sort((a, b) => a[0] - b[0]))
            expect(side.frames.inUse).toBe(side.model.size + side.pt.tablePfns().length)
          }
        },
      ),
      { numRuns: 200 },
    )
  })
})

describe("read (the walk fast path) on every architecture", () => {
  for (const arch of Arch.all) {
    it(`${arch.name}: reads back exactly what was installed, anywhere in user space`, () => {
      fc.assert(
        fc.property(
          fc.uniqueArray(fc.integer({ min: 0, max: arch.userPages - 1 }), {
            minLength: 1,
            maxLength: 20,
          }),
          (vpns) => {
            const { pt, frames } = fresh(arch)
            const [probe, ...mapped] = vpns as [number, ...Array<number>]
            const entries = mapped.map((v) => {
              const e = page(frames)
              expect(pt.install(v, e)).toBeUndefined()
              return e
            })
            expect(mapped.map((v) => pt.read(v))).toEqual(entries)
            expect(pt.read(probe)).toBe(0)
          },
        ),
        { numRuns: 50 },
      )
    })
  }
})

describe("huge leaves (P1)", () => {
  const huge = () => {
    const { pt, frames } = fresh(Arch.x86_64)
    const pfn = frames.allocRange(512)
    return { pt, frames, pfn, entry: Pte.make(pfn, Pte.PRESENT | Pte.USER) }
  }

  it("a 2M PMD leaf maps 512 pages and ends the walk at the PMD level", () => {
    const { pt, pfn, entry } = huge()
    expect(pt.installHuge(1024, "pmd", entry)).toBeUndefined()
    expect(Pte.pfn(pt.read(1024 + 77))).toBe(pfn)
    const steps = pt.walk(1024 + 77)
    expect(steps.at(-1)).toMatchObject({ level: "pmd", huge: true, present: true })
    expect(steps.map((s) => s.level)).toEqual(["pgd", "p4d", "pud", "pmd"])
  })

  it("clearing accessed/dirty on a huge leaf changes the leaf itself, still huge (P5)", () => {
    const { pt, pfn } = huge()
    const ad = Pte.make(pfn, Pte.PRESENT | Pte.USER | Pte.ACCESSED | Pte.DIRTY)
    expect(pt.installHuge(1024, "pmd", ad)).toBeUndefined()
    expect(pt.setFlags(1024 + 5, Pte.PRESENT | Pte.USER)).toBeUndefined()
    const e = pt.read(1024 + 300)
    expect(Pte.flags(e) & (Pte.ACCESSED | Pte.DIRTY)).toBe(0)
    expect(Pte.flags(e) & Pte.HUGE).toBe(Pte.HUGE)
    expect(Pte.pfn(e)).toBe(pfn)
    expect(pt.walk(1024).at(-1)).toMatchObject({ level: "pmd", huge: true })
  })

  it("refuses where the architecture has no huge leaves, misaligned, or over a table", () => {
    const { pt, frames, entry } = huge()
    expect(new PageTable(Arch.i386, frames).installHuge(0, "pmd", entry)).toMatchObject({
      kind: "NotHuge",
      rule: "P1",
    })
    expect(pt.installHuge(1000, "pmd", entry)).toMatchObject({ kind: "Misaligned" })
    pt.install(2048 + 3, page(frames))
    const tables = pt.tables
    expect(pt.installHuge(2048, "pmd", entry)).toMatchObject({ kind: "AlreadyMapped" })
    expect(pt.tables).toBe(tables)
  })

  it("splitting gives 512 PTEs of the same pages; zapping part of a huge leaf splits it first", () => {
    const { pt, frames, pfn, entry } = huge()
    pt.installHuge(1024, "pmd", entry)
    expect(frames.count(pfn + 5)).toBe(2)
    expect(pt.splitHuge(1024 + 5)).toBeUndefined()
    expect(pt.read(1024 + 5)).toBe(Pte.make(pfn + 5, Pte.PRESENT | Pte.USER))
    expect(pt.entries()).toHaveLength(512)
    expect(pt.zap(1024, 1024 + 10)).toBe(10)
    expect(frames.count(pfn + 5)).toBe(1)
    expect(pt.entries()).toHaveLength(502)
  })

  it("a whole-range zap drops the huge leaf; free_pgtables refuses while it is there (P7)", () => {
    const { pt, frames, pfn, entry } = huge()
    pt.installHuge(1024, "pmd", entry)
    expect(pt.freeTables(0, 4096)).toMatchObject({ kind: "LeavesRemain", rule: "P7" })
    expect(pt.zap(0, 4096)).toBe(1)
    expect(frames.count(pfn)).toBe(1)
    expect(pt.read(1024)).toBe(0)
    expect(pt.splitHuge(1024)).toMatchObject({ kind: "NotHuge" })
  })

  it("a 1G PUD leaf splits into PMD leaves", () => {
    const { pt, frames } = fresh(Arch.x86_64)
    const pfn = frames.allocRange(512 * 512)
    expect(pt.installHuge(512 * 512, "pud", Pte.make(pfn, Pte.PRESENT))).toBeUndefined()
    expect(pt.splitHuge(512 * 512 + 700)).toBeUndefined()
    expect(pt.walk(512 * 512 + 700).at(-1)).toMatchObject({ level: "pmd", huge: true })
    expect(Pte.pfn(pt.read(512 * 512 + 700))).toBe(pfn + 512)
  })
})

describe("Mm against a reference model (fast-check)", () => {
  type VmaOp =
    | { op: "insert"; start: number; len: number }
    | { op: "split"; at: number }
    | { op: "merge"; at: number }
    | { op: "remove"; at: number }
  const vmaOp: fc.Arbitrary<VmaOp> = fc.oneof(
    fc.record({
      op: fc.constant("insert" as const),
      start: fc.integer({ min: 0, max: 200 }),
      len: fc.integer({ min: 1, max: 40 }),
    }),
    fc.record({ op: fc.constant("split" as const), at: fc.integer({ min: 0, max: 240 }) }),
    fc.record({ op: fc.constant("merge" as const), at: fc.integer({ min: 0, max: 240 }) }),
    fc.record({ op: fc.constant("remove" as const), at: fc.integer({ min: 0, max: 240 }) }),
  )

  it("insert/split/merge/remove keep VMAs sorted, disjoint, and covering exactly the model's pages", () => {
    fc.assert(
      fc.property(fc.array(vmaOp, { maxLength: 40 }), (ops) => {
        const mm = new Mm("p", Arch.x86_64, new Frames())
        const covered = new Set<number>()
        for (const o of ops) {
          const before = JSON.stringify(mm.vmas.map((v) => [v.start, v.end]))
          if (o.op === "insert") {
            const r = mm.insert({ start: o.start, end: o.start + o.len })
            if ("id" in r) for (let p = o.start; p < o.start + o.len; p++) covered.add(p)
            else expect(JSON.stringify(mm.vmas.map((v) => [v.start, v.end]))).toBe(before)
          } else {
            const v = mm.find(o.at)
            if (v === undefined) continue
            if (o.op === "split") mm.split(v, o.at)
            else if (o.op === "merge") mm.mergeNext(v)
            else {
              mm.remove(v)
              for (let p = v.start; p < v.end; p++) covered.delete(p)
            }
          }
          const spans = mm.vmas.map((v) => [v.start, v.end] as const)
          for (let i = 1; i < spans.length; i++)
            expect((spans[i] as readonly [number, number])[0]).toBeGreaterThanOrEqual(
              (spans[i - 1] as readonly [number, number])[1],
            )
          const pages = new Set(
            spans.flatMap(([s, e]) => Array.from({ length: e - s }, (_, k) => s + k)),
          )
          expect([...pages].sort((a, b) => a - b)).toEqual([...covered].sort((a, b) => a - b))
        }
      }),
      { numRuns: 200 },
    )
  })
})

describe("the five kernel levels, one accessor each (P1)", () => {
  it("i386: p4d, pud and pmd pass through to the PGD entry", () => {
    const { pt, frames } = fresh(Arch.i386)
    const e = page(frames)
    pt.install(0x12345, e)
    const pgd = pt.pgdOffset(0x12345)
    const p4d = pt.p4dOffset(pgd)
    const pud = pt.pudOffset(p4d)
    const pmd = pt.pmdOffset(pud)
    expect([p4d?.folded, pud?.folded, pmd?.folded]).toEqual([true, true, true])
    expect(pmd?.index).toBe(pgd.index)
    expect(pmd?.index).toBe(Arch.pgdIndex(Arch.i386, 0x12345))
    const pte = pt.pteOffsetMap(pmd)
    expect(pte?.index).toBe(Arch.pteIndex(Arch.i386, 0x12345))
    expect(pte && pt.entryOf(pte)).toBe(e)
  })

  it("x86-64: every level is a real table except the folded P4D; pte_offset_map fails on a huge PMD", () => {
    const { pt, frames } = fresh(Arch.x86_64)
    pt.install(7, page(frames))
    const pmd = pt.pmdOffset(pt.pudOffset(pt.p4dOffset(pt.pgdOffset(7))))
    expect(pmd && pt.entryOf(pmd)).toBe("table")
    expect(pt.pteOffsetMap(pmd)?.level).toBe("pte")
    const pfn = frames.allocRange(512)
    pt.installHuge(512, "pmd", Pte.make(pfn, Pte.PRESENT))
    const hugePmd = pt.pmdOffset(pt.pudOffset(pt.p4dOffset(pt.pgdOffset(512))))
    expect(hugePmd && Pte.flags(pt.entryOf(hugePmd) as number) & Pte.HUGE).toBeTruthy()
    expect(pt.pteOffsetMap(hugePmd)).toBeUndefined()
  })

  it("move_page_tables moves a whole PUD entry when everything is 1 GiB aligned", () => {
    const { pt, frames } = fresh(Arch.x86_64)
    const gib = 512 * 512
    const e = page(frames)
    pt.install(3, e)
    const tables = pt.tables
    expect(pt.moveTables(0, 4 * gib, gib)).toBeUndefined()
    expect(pt.read(4 * gib + 3)).toBe(e)
    // One PUD entry moved: the PMD and PTE tables came along, no new ones below the PUD.
    expect(pt.tables).toBe(tables)
  })
})
