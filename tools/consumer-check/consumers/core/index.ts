// A user who installed only @mmguard/core: evaluate the rule table at run time.
import { Check } from "@mmguard/core"

const verdict = Check.check("install", { anonVma: "write" })
if (verdict.ok || verdict.rule !== "P3")
  throw new Error(`unexpected verdict ${JSON.stringify(verdict)}`)
console.log(Check.explain(verdict))
