import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

// Edge suites: the Worker runs inside workerd with a real local D1 built from the real migrations; the
// upstreams it proxies to are real HTTP servers on loopback, started in Node by the global setup.
export default defineConfig(async () => {
  const migrations = await readD1Migrations(join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest(({ inject }) => ({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            ADMIN_TOKEN: "test-admin-token",
            // wrangler.toml defaults to production; the local test path says development explicitly.
            ENVIRONMENT: "development",
            // explicit, so a .dev.vars left by `npm start` cannot open CORS under the tests
            CORS_ORIGINS: "",
            UPSTREAM_A_KEY: "sk-upstream-a",
            // a secret that must never show up in an answer, a log line or a decision row
            UPSTREAM_CANARY_KEY: "sk-canary-7f3a9c1e5b",
            // Short batch window: each call waits for its decision row before the test reads D1.
            DECISION_BATCH_MS: "20",
            UPSTREAMS: inject("upstreams"),
          },
        },
      })),
    ],
    test: {
      include: ["tests/edge/**/*.test.ts"],
      globalSetup: ["tests/edge/support/global-setup.ts"],
      setupFiles: ["tests/edge/support/fresh-edge.ts"],
      // One isolate for every file: each file used to pay ~15 s evaluating the Worker's modules and compiling
      // ORT's 14 MB wasm. fresh-edge.ts gives each file an empty database and cold caches instead.
      isolate: false,
      testTimeout: 30_000,
    },
  };
});
