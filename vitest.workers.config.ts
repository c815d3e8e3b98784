import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { experimental_readRawConfig } from "wrangler";
import { defineConfig } from "vitest/config";
import { quietWorkerdLogs } from "./tests/edge/support/quiet-workerd-logs.ts";

const root = import.meta.dirname;

/**
 * wrangler.toml, copied as JSON into a folder of its own. wrangler binds every variable of the `.dev.vars`
 * (or, without one, the `.env` files) beside the config it reads, so reading the repository's copy would let
 * the `.dev.vars` that `npm start` writes change what the tests see.
 */
function configWithoutLocalVars(): string {
  const { rawConfig } = experimental_readRawConfig({ config: join(root, "wrangler.toml") });
  if (!rawConfig.main) throw new Error("wrangler.toml names no main");
  const dir = join(root, ".run/wrangler-test");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "wrangler.json");
  const d1 = rawConfig.d1_databases?.map((db: { migrations_dir?: string }) => ({ ...db, migrations_dir: join(root, db.migrations_dir ?? "migrations") }));
  const assets = rawConfig.assets?.directory ? { ...rawConfig.assets, directory: join(root, rawConfig.assets.directory) } : rawConfig.assets;
  writeFileSync(path, JSON.stringify({ ...rawConfig, main: join(root, rawConfig.main), d1_databases: d1, assets }, null, 2));
  return path;
}

// Edge suites: the Worker runs inside workerd with a real local D1 built from the real migrations; the
// upstreams it proxies to are real HTTP servers on loopback, started in Node by the global setup.
export default defineConfig(async () => {
  quietWorkerdLogs();
  const migrations = await readD1Migrations(join(root, "migrations"));
  const configPath = configWithoutLocalVars();
  return {
    plugins: [
      cloudflareTest(({ inject }) => ({
        wrangler: { configPath },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            ADMIN_TOKEN: "test-admin-token",
            // wrangler.toml defaults to production; the local test path says development explicitly.
            ENVIRONMENT: "development",
            // one request line per call would bury the test output; request-log.test.ts turns them on
            LOG_LEVEL: "warn",
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
      // a spy (console.error in routers.test.ts) never outlives its test
      restoreMocks: true,
      testTimeout: 30_000,
    },
  };
});
