import { packageConfig } from "../../vitest.shared.ts"

export default packageConfig(["test/**/*.test.ts"], 60_000)
