import { packageConfig } from "../../vitest.shared.ts"

// publint, npm pack and attw take tens of seconds when the whole suite runs at once.
export default packageConfig(["test/**/*.test.ts"], 180_000)
