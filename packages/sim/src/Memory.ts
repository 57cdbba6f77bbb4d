/**
 * The memory side of a simulated world: physical frames, the address spaces (page tables and
 * VMAs), the files with their i_mmap trees, and the VMAs tasks have detached but still work on.
 * The world keeps it apart from its lock and task state so that a clone can share it until a
 * step writes to it (copy on write): most steps only take or drop locks.
 *
 * @since 0.1.0
 */
import type { Arch } from "./Arch.js"
import { Frames } from "./Frames.js"
import { Mm } from "./Mm.js"
import { type Numbered, numbered } from "./Numbered.js"
import * as Rmap from "./Rmap.js"
import type { Vma } from "./Vma.js"

/**
 * A renaming of a world's tasks and pages (a symmetry, see `Symmetry`): the digest of a world
 * under it is the digest of the world in which each task's part is played by another.
 */
export interface Renaming {
  /** Task id -> its id in the renamed world. */
  readonly slot: Int32Array
  /** Per mm: page -> its page in the renamed world (pages not named stay). */
  readonly pages: ReadonlyMap<string, ReadonlyMap<number, number>>
  /** A number (or for many tasks a text) naming the renaming, for caches. */
  readonly sig: number | string
}

/** Frames, mms, files and detached VMAs of one world. */
export class Memory {
  readonly frames: Frames
  readonly mms: Map<string, Mm>
  readonly files: Map<string, Rmap.AddressSpace>
  /** VMAs a task detached (munmap) and still works on, by task id. */
  readonly detached: Map<number, Array<Vma>>
  /**
   * Freed VMA objects, the slab shared by every mm: the next mmap of any mm reuses the last
   * freed one first (V7).
   */
  readonly freed: Array<Vma>
  /** The VMA object ids of every mm come from one counter: an object is one id world-wide. */
  private readonly vmaIds: { next: number }
  private nextAnon: number
  private cachedKey: string | undefined
  private renamedKeys: Map<number | string, string> | undefined
  /** The keys' numbers under the last interner asked, by renaming (-1: none), see `keyText`. */
  private keyNums: Map<number | string, Numbered> | undefined

  /** An empty memory for `arch`. */
  static empty(arch: Arch): Memory {
    return new Memory(new Frames(), new Map(), new Map(), new Map(), [], { next: 1 }, 1, arch)
  }

  private constructor(
    frames: Frames,
    mms: Map<string, Mm>,
    files: Map<string, Rmap.AddressSpace>,
    detached: Map<number, Array<Vma>>,
    freed: Array<Vma>,
    vmaIds: { next: number },
    nextAnon: number,
    readonly arch: Arch,
  ) {
    this.frames = frames
    this.mms = mms
    this.files = files
    this.detached = detached
    this.freed = freed
    this.vmaIds = vmaIds
    this.nextAnon = nextAnon
  }

  /** Adds an empty address space named `name`. */
  addMm(name: string): Mm {
    const mm = new Mm(name, this.arch, this.frames, this.vmaIds)
    this.mms.set(name, mm)
    return mm
  }

  /** The address_space of file `name`, created on first use. */
  file(name: string): Rmap.AddressSpace {
    const f = this.files.get(name) ?? Rmap.addressSpace(name)
    this.files.set(name, f)
    return f
  }

  /** A fresh anon_vma (anon_vma_prepare). */
  newAnonVma(): Rmap.AnonVma {
    return Rmap.anonVma(this.nextAnon++)
  }

  /** The VMAs task `task` detached. */
  detachedBy(task: number): ReadonlyArray<Vma> {
    return this.detached.get(task) ?? []
  }

  /** Records that `task` detached `vma`. */
  addDetached(task: number, vma: Vma): void {
    this.detached.set(task, [...this.detachedBy(task), vma])
  }

  /**
   * vm_area_free: the VMA `vma` that task `task` detached is freed; its object may be reused,
   * by any mm.
   */
  freeDetached(task: number, vma: Vma): void {
    this.detached.set(
      task,
      this.detachedBy(task).filter((v) => v !== vma),
    )
    this.freed.push(vma)
  }

  /** Takes a freed VMA object for reuse, if there is one (the slab's last freed). */
  reuseFreed(): Vma | undefined {
    return this.freed.pop()
  }

  /** Forgets the cached digests: call before every write. */
  touch(): void {
    this.cachedKey = undefined
    this.renamedKeys = undefined
    this.keyNums = undefined
  }

  /**
   * A deterministic digest of the memory (cached until the next `touch`). With `as`, the digest
   * of this memory with its tasks and pages renamed (see `Renaming`), cached by `as.sig`.
   */
  key(as?: Renaming): string {
    if (as === undefined) {
      this.cachedKey ??= this.digest()
      return this.cachedKey
    }
    this.renamedKeys ??= new Map()
    let key = this.renamedKeys.get(as.sig)
    if (key === undefined) {
      key = this.digest(as)
      this.renamedKeys.set(as.sig, key)
    }
    return key
  }

  /** The number `intern` gives `key(as)`, as text (cached like the key). */
  keyText(intern: (part: string) => number, as?: Renaming): string {
    const sig = as?.sig ?? -1
    this.keyNums ??= new Map()
    const known = this.keyNums.get(sig)
    const num = numbered(known, this.key(as), intern)
    if (num !== known) this.keyNums.set(sig, num)
    return num.text
  }

  private digest(as?: Renaming): string {
    return JSON.stringify([
      [...this.mms].map(([k, m]) => {
        const pages = as?.pages.get(k)
        return [
          k,
          pages ? m.pt.digestAs(pages) : m.pt.digest(),
          m.vmas.map((v) => [v.id, v.start, v.end, v.pgoff, v.flags, v.anonVma?.id]),
        ]
      }),
      [...this.detached].map(([k, vs]) => [as ? as.slot[k] : k, vs.map((v) => v.id)]),
      this.freed.map((v) => v.id),
      this.frames.inUse,
      this.frames.pendingFrees.length,
    ])
  }

  /** A deep copy sharing nothing with this one; rmap trees are rebuilt on the copies. */
  clone(): Memory {
    const frames = this.frames.clone()
    const files = new Map<Rmap.AddressSpace, Rmap.AddressSpace>()
    const anons = new Map<Rmap.AnonVma, Rmap.AnonVma>()
    const vmas = new Map<Vma, Vma>()
    const copyVma = (v: Vma): Vma => {
      const known = vmas.get(v)
      if (known) return known
      const file = v.file && (files.get(v.file) ?? Rmap.addressSpace(v.file.name))
      if (v.file && file) files.set(v.file, file)
      const anon = v.anonVma && (anons.get(v.anonVma) ?? Rmap.anonVma(v.anonVma.id))
      if (v.anonVma && anon) anons.set(v.anonVma, anon)
      const copy: Vma = { ...v, file, anonVma: anon, extra: { ...v.extra } }
      vmas.set(v, copy)
      return copy
    }
    const vmaIds = { next: this.vmaIds.next }
    const mms = new Map(
      [...this.mms].map(([k, m]) => [k, m.clone(frames, copyVma, vmaIds)] as const),
    )
    const detached = new Map([...this.detached].map(([k, vs]) => [k, vs.map(copyVma)] as const))
    const freed = this.freed.map(copyVma)
    // Rebuild the rmap trees in the same order, pointing at the copies.
    for (const [from, to] of files) for (const v of from.iMmap.items()) to.iMmap.insert(copyVma(v))
    for (const [from, to] of anons) for (const v of from.vmas.items()) to.vmas.insert(copyVma(v))
    const byName = new Map(
      [...this.files].map(([k, f]) => [k, files.get(f) ?? Rmap.addressSpace(f.name)] as const),
    )
    const c = new Memory(frames, mms, byName, detached, freed, vmaIds, this.nextAnon, this.arch)
    c.cachedKey = this.cachedKey
    c.renamedKeys = this.renamedKeys
    c.keyNums = this.keyNums
    return c
  }
}
