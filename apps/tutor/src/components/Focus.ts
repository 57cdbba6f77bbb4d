/**
 * Keyboard focus: while a text editor has it, every key is text, so the app's own keys
 * (q quit, ? help, esc back, h hint) stand down until the editor lets go (esc).
 */
import { createContext, useContext } from "react"

/** Whether an editor holds the keyboard, and how to take or release it. */
export interface Focus {
  readonly captured: boolean
  readonly capture: (on: boolean) => void
}

/** The focus context; nothing captured by default. */
export const FocusContext = createContext<Focus>({ captured: false, capture: () => {} })

/** Reads the focus. */
export const useFocus = (): Focus => useContext(FocusContext)
