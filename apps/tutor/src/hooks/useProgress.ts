/** Progress state that is saved to disk after every solved puzzle. */
import { useCallback, useState } from "react"
import { load, type Progress, save, solve } from "../save/progress.js"

/**
 * `mine` with the solves another process (the workshop) saved to `dir` since: each puzzle
 * keeps its best star count.
 */
const withDisk = (dir: string, mine: Progress): Progress => {
  const disk = load(dir).progress.solved
  const solved: Record<string, number> = { ...disk }
  for (const [id, stars] of Object.entries(mine.solved)) solved[id] = Math.max(stars, disk[id] ?? 0)
  return { ...mine, solved }
}

/** The progress and a `solved(id, stars)` callback that records and saves it. */
export const useProgress = (dir: string, initial: Progress) => {
  const [progress, setProgress] = useState(initial)
  const solved = useCallback(
    (id: string, stars: number) =>
      setProgress((p) => {
        const next = solve(withDisk(dir, p), id, stars)
        save(dir, next)
        return next
      }),
    [dir],
  )
  return { progress, solved }
}
