import { defineConfig } from "vitest/config"

/**
 * The vitest config every workspace package uses: its test files, plus a JSON report in
 * `.reports/vitest.json` that turbo caches and `pnpm test` totals.
 */
export const packageConfig = (include: Array<string>, timeoutMs = 20_000) =>
  defineConfig({
    test: {
      include,
      testTimeout: timeoutMs,
      reporters: ["default", "json"],
      outputFile: { json: ".reports/vitest.json" },
    },
  })
