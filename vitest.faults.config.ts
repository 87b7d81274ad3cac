import { defineConfig } from "vitest/config";

// The fault suite (`npm run test:faults`): crashes, outages and 429 storms against real processes.
// Minutes long, so kept out of `npm test`; one file at a time, as each loads the machine on its own.
export default defineConfig({
  test: {
    include: ["tests/faults/**/*.fault.ts"],
    testTimeout: 600_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    reporters: ["default"],
  },
});
