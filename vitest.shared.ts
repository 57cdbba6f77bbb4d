import { defineConfig } from "vitest/config"

/**
 * The vitest config every workspace package uses: its test files, plus a JSON report in
 * `.reports/vitest.json` that turbo caches and `pnpm test` totals. The time limit only guards
 * against a hang: property tests and tsc runs take many seconds on a loaded two-core machine
 * (turbo runs packages side by side), and speed goals live in `pnpm bench`.
 */
export const packageConfig = (include: Array<string>, timeoutMs = 120_000) =>
  defineConfig({
    test: {
      include,
      testTimeout: timeoutMs,
      reporters: ["default", "json"],
      outputFile: { json: ".reports/vitest.json" },
    },
  })
