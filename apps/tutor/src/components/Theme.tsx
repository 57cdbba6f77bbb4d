/**
 * Colors and plain mode. With NO_COLOR or `--plain` every color is dropped, and plain mode also
 * replaces borders and symbols by words, for screen readers.
 */
import { createContext, useContext } from "react"

/** How the screens should look. */
export interface Theme {
  readonly color: boolean
  readonly plain: boolean
}

/** The theme context; full color by default. */
export const ThemeContext = createContext<Theme>({ color: true, plain: false })

/** Reads the theme. */
export const useTheme = (): Theme => useContext(ThemeContext)

/** Text props for color `c` when colors are on, otherwise none (spread them into <Text>). */
export const tint = (t: Theme, c: string): { color?: string } =>
  t.color && !t.plain ? { color: c } : {}
