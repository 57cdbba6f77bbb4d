// Wrong answers the tests play, built from puzzles' reference solutions.
import type { TypePuzzle } from "../../src/engine/Puzzle.js"

/**
 * The fault's reference solution with its fallback replaced by giving up: it type-checks, and
 * fails only when lock_vma_under_rcu does.
 */
export const givingUp = (p: TypePuzzle): string => {
  const out = p.solution.replace(
    /onFallback: \(\) =>[\s\S]*\n\}\)$/,
    "onFallback: () => Effect.void,\n})",
  )
  if (out === p.solution) throw new Error(`${p.id}: no fallback to replace`)
  return out
}
