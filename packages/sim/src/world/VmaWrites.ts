/**
 * VMA reads and writes (L6, L7, F1-F9): find_vma, and the write of one VMA field, checked
 * against the row core's rule table gives that field (`Rules.VmaFields`). Fields that place the
 * VMA in the rmap trees move it there too.
 *
 * @since 0.2.0
 */
import { Check, Rules } from "@mmguard/core"
import type { Step } from "../Program.js"
import * as Rmap from "../Rmap.js"
import type { Task } from "../Task.js"
import { writeField } from "../Vma.js"
import { type Exec, type Footprint, res, type State } from "./State.js"

type Op<K extends Step["op"]> = Extract<Step, { op: K }>

/** Writes `s.field` of the VMA at `s.addr` after checking the field's row. */
const writeVma = (st: State, t: Task, s: Op<"writeVma">): Exec => {
  st.writable()
  const vma = st.vmaAt(t, s.addr)
  st.checkRows(t, [Check.check(Rules.VmaFields[s.field], st.lockState(t, vma, s.addr))])
  // Fields that place the VMA in the rmap trees move it there too (the kernel's
  // anon_vma_interval_tree_pre_update_vma / post_update_vma).
  const moves = Rules.VmaFields[s.field] === "writeVmStart"
  if (vma && moves) Rmap.unlink(vma)
  if (vma) writeField(vma, s.field, s.value)
  if (vma && moves) Rmap.link(vma)
  t.pc++
  return "ran"
}

/** find_vma (L6): checked like reading a VMA; jumps to `onFail` when no VMA covers the page. */
const findVma = (st: State, t: Task, s: Op<"findVma">): Exec => {
  const vma = st.vmaAt(t, s.addr)
  st.checkRows(t, Check.checkAction("findVma", st.lockState(t, vma, s.addr)))
  if (vma === undefined) st.jump(t, s.onFail)
  else t.pc++
  return "ran"
}

/** The VMA steps: semantics and footprints. */
export const ops = {
  writeVma: {
    exec: writeVma,
    // vm_flags is read by no step (only the state digest): its write touches that VMA's flags.
    footprint: (st: State, t: Task, s: Op<"writeVma">): Footprint => {
      const vma = st.vmaAt(t, s.addr)
      const reads = [res.vmas(t.mm), ...res.lockStateSeqs(t)]
      if (s.field === "vm_flags" && vma)
        return { reads, writes: [`mem:${t.mm}:vmaflags:${vma.id}`] }
      return { reads: [`seq:${t.mm}`], writes: ["mem"] }
    },
  },
  findVma: {
    exec: findVma,
    footprint: (_st: State, t: Task): Footprint => ({
      reads: [res.vmas(t.mm), ...res.lockStateSeqs(t)],
      writes: [],
    }),
  },
}
