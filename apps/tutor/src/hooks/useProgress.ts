/** Progress state that is saved to disk after every solved puzzle. */
import { useCallback, useState } from "react"
import { type Progress, save, solve } from "../save/progress.js"

/** The progress and a `solved(id, stars)` callback that records and saves it. */
export const useProgress = (dir: string, initial: Progress) => {
  const [progress, setProgress] = useState(initial)
  const solved = useCallback(
    (id: string, stars: number) =>
      setProgress((p) => {
        const next = solve(p, id, stars)
        save(dir, next)
        return next
      }),
    [dir],
  )
  return { progress, solved }
}
