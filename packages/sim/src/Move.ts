/**
 * Moves: what the scheduler, the explorer and a schedule choose at each state. A move is a task
 * id with an alternative in the bits above it, `task | (alt << 8)`: alternative 0 is the task's
 * next step; alternative 1 exists only for a task blocked in a killable wait
 * (vma_start_write_killable, L11) and means "a fatal signal kills the wait now". With
 * alternative 0 a move is the task id itself, so schedules of task ids are schedules of moves.
 *
 * @since 0.2.0
 */

/** A move: `task | (alt << 8)`. */
export type Move = number

/** Alternative 0: the task's next step. */
export const STEP = 0
/** Alternative 1: a fatal signal interrupts the task's killable wait (L11). */
export const KILL = 1

/** The move of task `task` taking alternative `alt` (default: its next step). */
export const make = (task: number, alt = STEP): Move => task | (alt << 8)

/** The task a move moves. */
export const task = (move: Move): number => move & 0xff

/** The alternative a move takes (0: the next step; 1: killed in a killable wait). */
export const alt = (move: Move): number => move >>> 8
