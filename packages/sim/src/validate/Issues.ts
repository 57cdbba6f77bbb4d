/**
 * How the validator words a rejection: decoding with `effect/Schema` (strict: unknown keys are
 * errors), the first issue turned into a `SimError` with its task, step and path, and the
 * message for a step that matches no op of the language.
 *
 * @since 0.2.0
 */
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import { LockKindSchema, OpSchema } from "../Program.js"
import { SimError, type SimErrorKind, type SimErrorSite } from "../SimError.js"

/** Is `u` an object (not null)? */
export const isObject = (u: unknown): u is object => typeof u === "object" && u !== null

const strict = { onExcessProperty: "error", errors: "first" } as const
const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

/** A value for a message: JSON where possible, else its `String`. */
export const show = (x: unknown): string => {
  if (typeof x === "number" || typeof x === "bigint" || x === undefined) return String(x)
  try {
    return JSON.stringify(x) ?? String(x)
  } catch {
    return String(x)
  }
}

const at = (root: unknown, path: ReadonlyArray<PropertyKey>): unknown =>
  path.reduce<unknown>(
    (x, k) => (isObject(x) ? (x as Record<PropertyKey, unknown>)[k] : undefined),
    root,
  )

const pathText = (path: ReadonlyArray<string | number>): string =>
  path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("")

/** Builds the error for `site` (the task name and step are added to the message). */
export const fail = (
  kind: SimErrorKind,
  root: unknown,
  what: string,
  site: SimErrorSite & { readonly rule?: string | undefined },
): SimError => {
  const name = site.task === undefined ? undefined : at(root, ["tasks", site.task, "name"])
  const where = [
    site.task === undefined
      ? ""
      : `task ${site.task}${typeof name === "string" ? ` (${name})` : ""}`,
    site.step === undefined ? "" : `step ${site.step}`,
    site.path === undefined || site.path.length === 0 ? "" : pathText(site.path),
  ]
    .filter((x) => x !== "")
    .join(", ")
  return new SimError({
    kind,
    rule: site.rule ?? "input",
    message: where === "" ? what : `${where}: ${what}`,
    ...(site.task === undefined ? {} : { task: site.task }),
    ...(site.step === undefined ? {} : { step: site.step }),
    ...(site.path === undefined ? {} : { path: site.path }),
  })
}

const lockOps: ReadonlyArray<unknown> = ["lock", "trylock", "unlock"]

/**
 * A step that matches no member of the step union: says which discriminator is unknown (op,
 * or lock kind for a lock-like op) instead of listing every member.
 */
const stepMismatch = (step: unknown): { readonly key?: string; readonly what: string } => {
  if (!isObject(step)) return { what: `a step must be an object, got ${show(step)}` }
  const { op, lock } = step as { op?: unknown; lock?: unknown }
  if (!OpSchema.literals.includes(op as never))
    return {
      key: "op",
      what: `unknown op ${show(op)}: expected one of ${OpSchema.literals.join(", ")}`,
    }
  if (op === "rmapWalk" && lock !== "iMmap" && lock !== "anonVma")
    return {
      key: "lock",
      what: `an rmap walk walks the tree of "iMmap" or "anonVma", got ${show(lock)}`,
    }
  if (lockOps.includes(op) && !LockKindSchema.literals.includes(lock as never))
    return {
      key: "lock",
      what: `unknown lock kind ${show(lock)}: expected one of ${LockKindSchema.literals.join(", ")}`,
    }
  return { what: `not a valid ${String(op)} step` }
}

/**
 * Decodes `input` with `schema`; on failure, the first issue as a SimError. `base` is the path
 * of `input` inside `root` (for a step checked alone: empty).
 */
export const decode = <S extends Schema.ConstraintDecoder<unknown>>(
  schema: S,
  input: unknown,
  locate: (path: ReadonlyArray<string | number>) => { kind: SimErrorKind } & SimErrorSite,
): S["Type"] | SimError => {
  const r = Schema.decodeUnknownResult(schema, strict)(input)
  if (Result.isSuccess(r)) return r.success
  const issue = formatter(r.failure.issue).issues[0]
  const path = (issue?.path ?? []).map((k) =>
    typeof k === "object" && k !== null && "key" in k ? k.key : k,
  ) as Array<string | number>
  const site = locate(path)
  const value = at(input, path)
  // A step matching no member of the union: name the unknown discriminator.
  if (site.step !== undefined && site.path?.length === 0) {
    const m = stepMismatch(value)
    return fail(site.kind, input, m.what, { ...site, path: m.key ? [m.key] : [] })
  }
  const got = value === undefined ? "" : `, got ${show(value)}`
  return fail(site.kind, input, `${issue?.message ?? "invalid"}${got}`, site)
}
