/** Test helpers: keys, and pressing them one at a time on an ink-testing-library app. */

export const DOWN = "\u001B[B"
export const UP = "\u001B[A"
export const LEFT = "\u001B[D"
export const RIGHT = "\u001B[C"
export const ENTER = "\r"
export const ESC = "\u001B"
export const BACKSPACE = "\u007F"

/** Waits a little. */
export const tick = () => new Promise((r) => setTimeout(r, 30))

/**
 * Presses `keys` one at a time, each after the previous one has been rendered (up to 2 s on a
 * loaded machine), so that no handler runs on a stale frame.
 */
export const type = async (
  app: { stdin: { write: (s: string) => void }; frames: ReadonlyArray<string> },
  keys: ReadonlyArray<string>,
) => {
  for (const k of keys) {
    const before = app.frames.length
    app.stdin.write(k)
    for (let waited = 0; waited < 2000 && app.frames.length === before; waited += 10)
      await new Promise((r) => setTimeout(r, 10))
    await tick()
  }
}

/** The up/down/enter presses that add palette entries `picks` in order (cursor starts at 0). */
export const pickKeys = <K>(picks: ReadonlyArray<number>, down: K, up: K, enter: K): Array<K> => {
  const out: Array<K> = []
  let at = 0
  for (const i of picks) {
    while (at < i) {
      out.push(down)
      at++
    }
    while (at > i) {
      out.push(up)
      at--
    }
    out.push(enter)
  }
  return out
}

/** The intended answer of the fault-light lock picker, as palette indices. */
export const faultLight = [9, 3, 4, 5, 6, 10, 11, 3, 4, 5, 7]
