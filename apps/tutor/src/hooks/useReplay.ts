/** An animated replay: a frame counter that runs from 1 to `length`, one step per `interval`. */
import { useCallback, useEffect, useState } from "react"

/**
 * `frame` is the number of schedule steps shown (undefined when no replay runs); `start()`
 * begins (or restarts) a replay of `length` steps; the last frame stays until the next start.
 */
export const useReplay = (length: number, interval: number) => {
  const [frame, setFrame] = useState<number | undefined>(undefined)
  useEffect(() => {
    if (frame === undefined || frame >= length) return
    const timer = setTimeout(() => setFrame(frame + 1), interval)
    return () => clearTimeout(timer)
  }, [frame, length, interval])
  const start = useCallback(() => setFrame(length > 0 ? 1 : undefined), [length])
  return { frame, start }
}
