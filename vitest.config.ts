import { availableParallelism } from "node:os";
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
    // At least two files at a time, even on two cores (vitest's default there is one): most slow files wait
    // on a child process (nvcc, Deno on lavapipe, wrangler dev), so a second file overlaps the wait.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Files share one process: a fresh process and module graph per file cost ~1 s each (70 → 26 s for the
    // 43 routing, router, ops and checkpoint files). What a file changes in the process is undone after it:
    isolate: false,
    unstubEnvs: true,
    restoreMocks: true,
  },
});
