/**
 * The kernel scenario library: kernel paths written with `@mmguard/core`, compiled into task
 * programs at first use. Each scenario is correct (the explorer finds nothing in any
 * interleaving) and has buggy variants that must be caught with the rule ID they break: by
 * core's types, or at run time by the explorer (see `Scenario`). The tutor builds its
 * scheduler puzzles from these. One file per scenario; add a new one to `all` below.
 *
 * @since 0.1.0
 */

import { scenario as anonVmaPrepare } from "./AnonVmaPrepare.js"
import { scenario as gupFast } from "./GupFast.js"
import { scenario as khugepaged } from "./Khugepaged.js"
import { scenario as killableWrite } from "./KillableWrite.js"
import { scenario as mprotect } from "./Mprotect.js"
import { scenario as mremap } from "./Mremap.js"
import { scenario as munmap } from "./Munmap.js"
import { scenario as pageFault } from "./PageFault.js"
import { scenario as ptdump } from "./Ptdump.js"
import { scenario as pteMapLock } from "./PteMapLock.js"
import { scenario as ptReclaim } from "./PtReclaim.js"
import { scenario as rcuWalk } from "./RcuWalk.js"
import { scenario as reclaim } from "./Reclaim.js"
import { scenario as retractRevalidate } from "./RetractRevalidate.js"
import type { Scenario } from "./Scenario.js"
import { scenario as stackExpansion } from "./StackExpansion.js"
import { scenario as truncate } from "./Truncate.js"
import { scenario as unlinkAnonVmas } from "./UnlinkAnonVmas.js"
import { scenario as userfaultfd } from "./Userfaultfd.js"
import { scenario as vmaReuse } from "./VmaReuse.js"

/** What the library's paths are written with (core's traced API, the mm, pages), for yours. */
export * as kernel from "./kernel.js"
/** The kernel paths the scenarios are built from (core programs), to build worlds of your own. */
export * as paths from "./paths.js"
export {
  ANON,
  type Caught,
  type Expected,
  FILE,
  layout,
  type Paths,
  type Scenario,
  STACK,
  task,
  type Variant,
  world,
} from "./Scenario.js"

/** Every scenario of the library. */
export const all: ReadonlyArray<Scenario> = [
  pageFault,
  munmap,
  mremap,
  truncate,
  reclaim,
  khugepaged,
  pteMapLock,
  mprotect,
  stackExpansion,
  gupFast,
  anonVmaPrepare,
  vmaReuse,
  killableWrite,
  userfaultfd,
  rcuWalk,
  ptReclaim,
  retractRevalidate,
  ptdump,
  unlinkAnonVmas,
]
