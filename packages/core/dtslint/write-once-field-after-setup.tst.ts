import { Core, mapping, mm, provide, run, vma } from "./setup.js"

// 14. write vm_file after setup (F2): no lock permits it, even all of them.
const program = Core.mmapWriteLock(mm, () =>
  Core.vmaStartWrite(
    vma,
    Core.iMmapLockWrite(mapping, () => Core.writeVma(vma, "vm_file", "other")),
  ),
)
// @expect-error LockRequired<"VmaSetupOnly", "proc1">
run(program.pipe(provide))
