// Page-table benchmarks on x86-64 5-level (57-bit addresses), each beside a naive baseline
// measured in the same run: a Map from page number to entry.
import { Arch, Frames, PageTable, Pte } from "@mmguard/sim"

const N = 1 << 20
const base = 0x7f00_0000_0000 / 4096 // a page number high in the 56-bit user space
const report = (name: string, value: number, unit: string, baseline?: number) =>
  console.log(
    `BENCH ${JSON.stringify({ name, value, unit, ...(baseline === undefined ? {} : { baseline }) })}`,
  )
const time = (f: () => void) => {
  const t = performance.now()
  f()
  return performance.now() - t
}
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})
const heap = () => {
  gc()
  return process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers
}

// Map 1 M consecutive pages.
let frames = new Frames(N + 4096)
let pt = new PageTable(Arch.x86_64_la57, frames)
const entry = Pte.make(frames.alloc(), Pte.PRESENT | Pte.USER)
const h0 = heap()
const mapMs = time(() => {
  for (let i = 0; i < N; i++) pt.install(base + i, entry)
})
const bytesPerPage = (heap() - h0) / N
let model = new Map<number, number>()
const h1 = heap()
const mapBaseMs = time(() => {
  for (let i = 0; i < N; i++) model.set(base + i, entry)
})
const baseBytesPerPage = (heap() - h1) / N
report("sim.map1M", mapMs, "ms", mapBaseMs)
report("sim.bytesPerPage", bytesPerPage, "bytes", baseBytesPerPage)

// Walks of mapped addresses in a pseudo-random order: `sim.walk` over 64 Ki mapped pages (the
// leaf tables fit the CPU caches), `sim.walkCold` over all 1 Mi pages (8 MiB of leaf entries:
// mostly cache misses, for the baseline too).
const WALKS = 20_000_000
let sink = 0
const walks = (mask: number, read: (vpn: number) => number) =>
  time(() => {
    let x = 12345
    for (let i = 0; i < WALKS; i++) {
      x = (x * 1103515245 + 12345) & mask
      sink += read(base + x)
    }
  })
const ptRead = (vpn: number) => pt.read(vpn)
const mapRead = (vpn: number) => model.get(vpn) ?? 0
const perSecond = (ms: number) => WALKS / (ms / 1000)
report("sim.walk", perSecond(walks(0xffff, ptRead)), "walks/s", perSecond(walks(0xffff, mapRead)))
report(
  "sim.walkCold",
  perSecond(walks(0xfffff, ptRead)),
  "walks/s",
  perSecond(walks(0xfffff, mapRead)),
)

// Zap + free the whole range.
const zapMs = time(() => {
  pt.zap(base, base + N)
  pt.freeTables(base, base + N)
})
const zapBaseMs = time(() => {
  for (let i = 0; i < N; i++) model.delete(base + i)
})
report("sim.zapFree1M", zapMs, "ms", zapBaseMs)

// Sparse: 4096 pages 2^40 bytes apart cost a few tables each, not the span between them.
frames = new Frames()
pt = new PageTable(Arch.x86_64_la57, frames)
const e2 = Pte.make(frames.alloc(), Pte.PRESENT)
const h2 = heap()
for (let i = 0; i < 4096; i++) pt.install((i * 2 ** 40) / 4096, e2)
report("sim.sparseBytesPerPage", (heap() - h2) / 4096, "bytes")
model = new Map()
if (sink === 42) console.log("")
