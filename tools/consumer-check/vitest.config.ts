import { packageConfig } from "../../vitest.shared.ts"

// These tests run real tsc, pnpm pack, publint, attw and npm: tens of seconds each on a
// loaded two-core machine, so their time limit is generous (speed goals live in `pnpm bench`).
export default packageConfig(["test/**/*.test.ts"], 180_000)
