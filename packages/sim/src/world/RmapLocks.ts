/**
 * The rmap locks (L4): anon_vma->rwsem of the anonymous page at an address, and a file's
 * mapping->i_mmap_rwsem, both read/write semaphores in the lock table, ordered by O1/O2.
 *
 * @since 0.2.0
 */
import { Rules } from "@mmguard/core"
import type { AnonVma } from "../Rmap.js"
import type { Task } from "../Task.js"
import { res, type State } from "./State.js"
import type { TargetHandler } from "./Target.js"

/** The lock id of anon_vma `id`'s rwsem. */
export const anonLockId = (id: number): string => `anon:${id}`

/** The lock id of file `file`'s i_mmap_rwsem. */
export const iMmapLockId = (file: string): string => `immap:${file}`

/**
 * The anon_vma of the anonymous page `vpn` as its folio knows it (folio_lock_anon_vma_read):
 * that of the VMA mapping the page for task `t`, or of one its mm's munmap detached (the folio
 * keeps its anon_vma whether or not a VMA still maps it in the tree).
 */
export const anonVmaAt = (st: State, t: Task, vpn: number): AnonVma | undefined =>
  st.vmaAt(t, vpn)?.anonVma ??
  st.tasks
    .filter((o) => o.mm === t.mm)
    .flatMap((o) => st.memory.detachedBy(o.id))
    .find((v) => v.start <= vpn && vpn < v.end && v.anonVma !== undefined)?.anonVma

/** The rmap lock targets. */
export const targets = {
  anonVma: {
    resolve: (st, t, target) => {
      const av = anonVmaAt(st, t, target.addr)
      // The lock taken for this page, even if the VMA's anon_vma was cleared meanwhile (F9).
      const mine = t.held.find((h) => h.kind === "anonVma" && h.vpn === target.addr)
      if (av === undefined && mine) return { id: mine.id, kind: "anonVma", cls: mine.cls }
      if (av === undefined) return `no anon_vma at page ${target.addr}`
      return { id: anonLockId(av.id), kind: "anonVma", cls: Rules.LockClassOf.anonVma }
    },
    // The VMAs (attached, or detached by the mm's munmap, which changes all memory).
    reads: (_st, t) => [res.vmas(t.mm)],
  } satisfies TargetHandler<{ lock: "anonVma"; addr: number }>,
  iMmap: {
    resolve: (_st, _t, target) => ({
      id: iMmapLockId(target.file),
      kind: "iMmap",
      cls: Rules.LockClassOf.iMmap,
    }),
    reads: [],
  } satisfies TargetHandler<{ lock: "iMmap"; file: string }>,
}
