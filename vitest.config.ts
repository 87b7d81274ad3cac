import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Suites share one Redis server and spawn real processes: keep the machine's 2 cores from thrashing.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
