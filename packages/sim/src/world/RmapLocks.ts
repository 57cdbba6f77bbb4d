/**
 * The rmap locks (L4): anon_vma->rwsem of the VMA at an address, and a file's
 * mapping->i_mmap_rwsem, both read/write semaphores in the lock table, ordered by O1/O2.
 *
 * @since 0.2.0
 */
import { Rules } from "@mmguard/core"
import { res } from "./State.js"
import type { TargetHandler } from "./Target.js"

/** The lock id of anon_vma `id`'s rwsem. */
export const anonLockId = (id: number): string => `anon:${id}`

/** The lock id of file `file`'s i_mmap_rwsem. */
export const iMmapLockId = (file: string): string => `immap:${file}`

/** The rmap lock targets. */
export const targets = {
  anonVma: {
    resolve: (st, t, target) => {
      const av = st.vmaAt(t, target.addr)?.anonVma
      if (av === undefined) return `no anon_vma at page ${target.addr}`
      return { id: anonLockId(av.id), kind: "anonVma", cls: Rules.LockClassOf.anonVma }
    },
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
