import { defineConfig } from "vitest/config";

// Node-side suites: pure routing, the learned router, the engine and tier, and end-to-end runs.
// Edge suites run inside workerd (vitest.workers.config.ts).
export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    exclude: ["tests/edge/**", "node_modules/**"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: true,
  },
});
