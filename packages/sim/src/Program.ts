/**
 * Task programs as data: a list of kernel-named steps that a task runs one at a time. Being
 * data, a program can be shown line by line (the tutor does), replayed and explored.
 * Addresses are page numbers (vpn).
 *
 * @since 0.1.0
 */
import { Rules } from "@mmguard/core"
import * as Schema from "effect/Schema"

/**
 * A page number (vpn): a non-negative integer. Whether it lies inside the user address space
 * depends on the architecture, so `Validate` checks that against the world's `Arch`.
 */
export const PageNumber = Schema.Number.check(
  Schema.isFinite(),
  Schema.isInt(),
  Schema.isGreaterThanOrEqualTo(0),
  Schema.isLessThanOrEqualTo(Number.MAX_SAFE_INTEGER),
)

/** A jump target: the `label` of a step of the same program, or `endLabel`. */
export const Label = Schema.NonEmptyString

/**
 * The jump target that ends the program (the kernel's `out:` at the end of a function): a jump
 * to "end" goes past the last step, unless a step is labelled "end" itself.
 */
export const endLabel = "end"

/** The lock kinds a step can name, each with the fields that select the lock. */
export const LockTargets = {
  /** The task's mm's mmap lock (L1). */
  mmap: Schema.Struct({ lock: Schema.Literal("mmap") }),
  /** The anon_vma lock of the VMA at `addr` (L4). */
  anonVma: Schema.Struct({ lock: Schema.Literal("anonVma"), addr: PageNumber }),
  /** The i_mmap lock of file `file` (L4). */
  iMmap: Schema.Struct({ lock: Schema.Literal("iMmap"), file: Schema.String }),
  /** mm->page_table_lock (P9). */
  pageTableLock: Schema.Struct({ lock: Schema.Literal("pageTableLock") }),
  /** The PMD lock of the PMD table on the path of `addr` (P9). */
  pmd: Schema.Struct({ lock: Schema.Literal("pmd"), addr: PageNumber }),
  /** The PTE lock of the PTE table mapping `addr` (P9). */
  pte: Schema.Struct({ lock: Schema.Literal("pte"), addr: PageNumber }),
  /** A lock of one of the generic classes of the ordering rules (O1, O2), by name. */
  class: Schema.Struct({
    lock: Schema.Literal("class"),
    cls: Schema.Literals(Rules.LockClasses),
    name: Schema.String,
  }),
}

/** The lock kinds a step can name. */
export const LockKindSchema = Schema.Literals(
  Object.keys(LockTargets) as Array<keyof typeof LockTargets>,
)

/** A lock a step names: the mm's locks, the rmap locks of the VMA at `addr`, or a generic class. */
export const LockTargetSchema = Schema.Union(Object.values(LockTargets))

/** A lock a step names (the type of `LockTargetSchema`). */
export type LockTarget = typeof LockTargetSchema.Type

const Mode = Schema.optionalKey(Schema.Literals(["read", "write"]))
const base = { label: Schema.optionalKey(Label) }

/** One schema per lock target for a lock-like op (`lock`, `trylock`, `unlock`). */
const lockSteps = <const F extends Schema.Struct.Fields>(fields: F) =>
  [
    Schema.Struct({ ...base, ...fields, mode: Mode, ...LockTargets.mmap.fields }),
    Schema.Struct({ ...base, ...fields, mode: Mode, ...LockTargets.anonVma.fields }),
    Schema.Struct({ ...base, ...fields, mode: Mode, ...LockTargets.iMmap.fields }),
    Schema.Struct({ ...base, ...fields, mode: Mode, ...LockTargets.pageTableLock.fields }),
    Schema.Struct({ ...base, ...fields, mode: Mode, ...LockTargets.pmd.fields }),
    Schema.Struct({ ...base, ...fields, mode: Mode, ...LockTargets.pte.fields }),
    Schema.Struct({ ...base, ...fields, mode: Mode, ...LockTargets.class.fields }),
  ] as const

const op = <const O extends string, const F extends Schema.Struct.Fields>(name: O, fields: F) =>
  Schema.Struct({ ...base, op: Schema.Literal(name), ...fields })

/** The kernel calls a `do` step performs: core's `Rules.Actions`, never restated here. */
export const ActionSchema = Schema.Literals(Object.keys(Rules.Actions) as Array<Rules.ActionName>)

/** The VMA fields a `writeVma` step writes: core's `Rules.VmaFields`. */
export const VmaFieldSchema = Schema.Literals(Object.keys(Rules.VmaFields) as Array<Rules.VmaField>)

/**
 * The step language, one schema per op (lock-like ops: one per op and lock target). `Step` and
 * `LockTarget` are derived from these; `Validate` decodes programs with them.
 */
export const Steps = {
  lock: lockSteps({ op: Schema.Literal("lock") }),
  trylock: lockSteps({ op: Schema.Literal("trylock"), onFail: Label }),
  unlock: lockSteps({ op: Schema.Literal("unlock") }),
  mmapWriteDowngrade: [op("mmapWriteDowngrade", {})],
  lockVmaUnderRcu: [
    op("lockVmaUnderRcu", {
      addr: PageNumber,
      onFail: Label,
      /** Re-check mm, attachment and range after locking (V7); default true. */
      recheck: Schema.optionalKey(Schema.Boolean),
    }),
  ],
  vmaStartReadLocked: [op("vmaStartReadLocked", { addr: PageNumber, onFail: Label })],
  vmaEndRead: [op("vmaEndRead", { addr: PageNumber })],
  vmaStartWrite: [op("vmaStartWrite", { addr: PageNumber })],
  vmaStartWriteKillable: [
    op("vmaStartWriteKillable", {
      addr: PageNumber,
      /** Where -EINTR goes (L11); a program without it ignores the result. */
      onFail: Schema.optionalKey(Label),
    }),
  ],
  pteOffsetMapLock: [
    op("pteOffsetMapLock", {
      addr: PageNumber,
      onFail: Label,
      /** Re-read the PMD entry after locking and retry if it changed (P11); default true. */
      recheck: Schema.optionalKey(Schema.Boolean),
    }),
  ],
  pteUnmapUnlock: [op("pteUnmapUnlock", { addr: PageNumber })],
  pteOffsetMapNolock: [op("pteOffsetMapNolock", { addr: PageNumber, onFail: Label })],
  pteLockRevalidate: [
    op("pteLockRevalidate", {
      addr: PageNumber,
      onFail: Label,
      /** Re-read the PMD entry after locking (pmd_same, P16); default true. */
      recheck: Schema.optionalKey(Schema.Boolean),
    }),
  ],
  pteUnmap: [op("pteUnmap", { addr: PageNumber })],
  ptepGet: [op("ptepGet", { addr: PageNumber })],
  rcuReadLock: [op("rcuReadLock", {})],
  rcuReadUnlock: [op("rcuReadUnlock", {})],
  synchronizeRcu: [op("synchronizeRcu", {})],
  do: [
    op("do", {
      action: ActionSchema,
      addr: PageNumber,
      end: Schema.optionalKey(PageNumber),
      to: Schema.optionalKey(PageNumber),
      /** installPte: the page frame to map (a fresh frame when absent). */
      pfn: Schema.optionalKey(PageNumber),
    }),
  ],
  writeVma: [
    op("writeVma", {
      addr: PageNumber,
      field: VmaFieldSchema,
      value: Schema.Unknown,
      /** atomic_long_set: the field is written atomically (only `Rules.AtomicFields`, F6). */
      atomic: Schema.optionalKey(Schema.Boolean),
    }),
  ],
  findVma: [op("findVma", { addr: PageNumber, onFail: Label })],
  goto: [op("goto", { to: Label })],
  assertMapped: [op("assertMapped", { addr: PageNumber, mapped: Schema.Boolean })],
  /**
   * vma_interval_tree_foreach / anon_vma_interval_tree_foreach: the head of a loop over the VMAs
   * of an rmap tree (a file's i_mmap, or the anon_vma of the VMA at `addr`) overlapping the page
   * offsets [first, last], under that tree's rmap lock (held by the task). Each turn binds the
   * next VMA for the body (the steps up to the `rmapWalkNext` naming this step's label), whose
   * addresses are page offsets in the tree, translated through the bound VMA (vma_address);
   * when no VMA is left the task goes on at `done`.
   */
  rmapWalk: [
    op("rmapWalk", {
      ...LockTargets.iMmap.fields,
      first: PageNumber,
      last: PageNumber,
      done: Label,
    }),
    op("rmapWalk", {
      ...LockTargets.anonVma.fields,
      first: PageNumber,
      last: PageNumber,
      done: Label,
    }),
  ],
  /** The end of an rmap walk's body: back to its head (`walk`, its label) for the next VMA. */
  rmapWalkNext: [op("rmapWalkNext", { walk: Label })],
} as const

/** The ops of the step language. */
export const OpSchema = Schema.Literals(Object.keys(Steps) as Array<keyof typeof Steps>)

/** One step of a program (any op). */
export const StepSchema = Schema.Union(Object.values(Steps).flat())

/** One step of a program. `label` names it as a jump target. */
export type Step = typeof StepSchema.Type

/** A task to run: its name, the mm it belongs to, and its program. */
export const TaskSpecSchema = Schema.Struct({
  name: Schema.NonEmptyString,
  mm: Schema.NonEmptyString,
  program: Schema.Array(StepSchema),
})

/** A task to run (the type of `TaskSpecSchema`). */
export type TaskSpec = typeof TaskSpecSchema.Type

/** The text of one step, in kernel terms (what the tutor shows). */
export const show = (s: Step): string => {
  const target = (t: Step & { lock?: string }): string => {
    const x = t as unknown as Record<string, unknown>
    switch (x.lock) {
      case "mmap":
        return "mmap"
      case "anonVma":
        return `anon_vma(${x.addr})`
      case "iMmap":
        return `i_mmap(${x.file})`
      case "pageTableLock":
        return "mm->page_table_lock"
      case "pmd":
        return `pmd_lock(${x.addr})`
      case "pte":
        return `pte_lock(${x.addr})`
      default:
        return `${x.cls}(${x.name})`
    }
  }
  switch (s.op) {
    case "lock":
    case "trylock":
    case "unlock": {
      const mode = s.mode ? `_${s.mode}` : ""
      const fail = s.op === "trylock" ? ` else goto ${s.onFail}` : ""
      return `${s.op}${mode} ${target(s)}${fail}`
    }
    case "lockVmaUnderRcu":
      return `lock_vma_under_rcu(${s.addr})${s.recheck === false ? " without the re-check" : ""} else goto ${s.onFail}`
    case "vmaStartReadLocked":
      return `vma_start_read_locked(${s.addr}) else goto ${s.onFail}`
    case "vmaStartWriteKillable":
      return `vma_start_write_killable(${s.addr})${s.onFail === undefined ? " (result ignored)" : ` else goto ${s.onFail}`}`
    case "vmaEndRead":
      return `vma_end_read(${s.addr})`
    case "vmaStartWrite":
      return `vma_start_write(${s.addr})`
    case "mmapWriteDowngrade":
      return "mmap_write_downgrade()"
    case "pteOffsetMapLock":
      return `pte_offset_map_lock(${s.addr})${s.recheck === false ? " without the PMD re-check" : ""} else goto ${s.onFail}`
    case "pteUnmapUnlock":
      return `pte_unmap_unlock(${s.addr})`
    case "pteOffsetMapNolock":
      return `pte_offset_map_rw_nolock(${s.addr}) else goto ${s.onFail}`
    case "pteLockRevalidate":
      return `spin_lock(pte_lockptr(${s.addr}))${s.recheck === false ? "" : `; pmd_same or goto ${s.onFail}`}`
    case "pteUnmap":
      return `pte_unmap(${s.addr})`
    case "ptepGet":
      return `ptep_get(${s.addr})`
    case "rcuReadLock":
      return "rcu_read_lock()"
    case "rcuReadUnlock":
      return "rcu_read_unlock()"
    case "synchronizeRcu":
      return "synchronize_rcu()"
    case "do":
      return `${s.action}(${[s.addr, s.end, s.to, s.pfn].filter((x) => x !== undefined).join(", ")})`
    case "writeVma":
      return s.atomic
        ? `atomic_long_set(&vma->${s.field}, ${JSON.stringify(s.value)})`
        : `vma->${s.field} = ${JSON.stringify(s.value)}`
    case "findVma":
      return `find_vma(${s.addr}) else goto ${s.onFail}`
    case "goto":
      return `goto ${s.to}`
    case "assertMapped":
      return `assert ${s.mapped ? "" : "!"}mapped(${s.addr})`
    case "rmapWalk": {
      const tree =
        s.lock === "iMmap"
          ? `vma_interval_tree_foreach(vma, i_mmap(${s.file}), ${s.first}, ${s.last})`
          : `anon_vma_interval_tree_foreach(vma, anon_vma(${s.addr}), ${s.first}, ${s.last})`
      return `${tree} else goto ${s.done}`
    }
    case "rmapWalkNext":
      return `next vma of ${s.walk}`
  }
}
