import { describe, expect, it } from "vitest"
import { Arch } from "../src/index.js"

// The kernel's own constants, written out literally (not computed by our formulas):
// [PAGE_SHIFT, PGDIR_SHIFT, P4D_SHIFT, PUD_SHIFT, PMD_SHIFT,
//  PTRS_PER_PGD, PTRS_PER_P4D, PTRS_PER_PUD, PTRS_PER_PMD, PTRS_PER_PTE]
const kernel: Record<string, ReadonlyArray<number>> = {
  "x86-64 4-level": [12, 39, 39, 30, 21, 512, 1, 512, 512, 512],
  "x86-64 5-level": [12, 48, 39, 30, 21, 512, 512, 512, 512, 512],
  i386: [12, 22, 22, 22, 22, 1024, 1, 1, 1, 1024],
  "i386 PAE": [12, 30, 30, 30, 21, 4, 1, 1, 512, 512],
  "arm64 4K/39": [12, 30, 30, 30, 21, 512, 1, 1, 512, 512],
  "arm64 4K/48": [12, 39, 39, 30, 21, 512, 1, 512, 512, 512],
  "arm64 64K/42": [16, 29, 29, 29, 29, 8192, 1, 1, 1, 8192],
  "arm64 64K/52": [16, 42, 42, 42, 29, 1024, 1, 1, 8192, 8192],
  "riscv sv39": [12, 30, 30, 30, 21, 512, 1, 1, 512, 512],
  "riscv sv48": [12, 39, 39, 30, 21, 512, 1, 512, 512, 512],
  "riscv sv57": [12, 48, 39, 30, 21, 512, 512, 512, 512, 512],
}

describe("Arch (P1)", () => {
  it("ships the eleven configurations of RULES.md", () => {
    expect(Arch.all.map((a) => a.name).sort()).toEqual(Object.keys(kernel).sort())
  })

  for (const a of Arch.all) {
    it(`${a.name}: *_SHIFT and PTRS_PER_* equal the kernel's`, () => {
      const s = a.shift
      const p = a.ptrs
      expect([a.pageShift, s.pgd, s.p4d, s.pud, s.pmd, p.pgd, p.p4d, p.pud, p.pmd, p.pte]).toEqual(
        kernel[a.name],
      )
    })
  }

  it("decomposes an x86-64 5-level address like pgd_index ... pte_index", () => {
    // 0x00ab_cdef_1234_5000: indices computed by hand from the bit fields.
    const vpn = 0x00abcdef12345000 / 4096
    expect(
      (["pgd", "p4d", "pud", "pmd", "pte"] as const).map((l) =>
        Arch.index(Arch.x86_64_la57, l, vpn),
      ),
    ).toEqual([0xab, 0x19b, 0x1bc, 0x91, 0x145])
  })

  it("folded levels have index 0 (they pass through)", () => {
    expect(Arch.index(Arch.i386, "pmd", 0x12345)).toBe(0)
    expect(Arch.index(Arch.i386, "pgd", 0x12345)).toBe(0x48)
  })

  it("rejects an invalid user-defined architecture with a message naming the problem", () => {
    const bad = Arch.define({
      name: "toy",
      pageShift: 12,
      bits: [9, 9],
      folded: ["p4d"],
      hugeLevels: [],
      userBits: 30,
      splitPmdLock: false,
      splitPteLock: false,
    })
    expect(bad).toMatchObject({ _tag: "SimError", rule: "P1", kind: "InvalidArch" })
    expect((bad as { message: string }).message).toContain("4 unfolded levels but 2 bit counts")
  })
})
