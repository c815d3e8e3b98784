import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

// The suite must not depend on local state: a `.dev.vars` or `.env` left in the repository (npm start writes
// one) adds bindings if wrangler reads it. These are wrangler.toml's and vitest.workers.config.ts's, and no more
// (besides the pool's own, which it names __VITEST_POOL_WORKERS_*).
describe("the test Worker's bindings", () => {
  it("are wrangler.toml's and the suite's own, whatever .dev.vars or .env holds", () => {
    expect(Object.keys(env).filter((k) => !k.startsWith("__VITEST_POOL_WORKERS_")).sort()).toEqual([
      "ADMIN_TOKEN",
      "CORS_ORIGINS",
      "DB",
      "DECISION_BATCH_MS",
      "ENVIRONMENT",
      "KEY_LIMITER",
      "LOG_LEVEL",
      "SAVINGS_BASELINE_MODEL",
      "STORE_PROMPTS",
      "TEST_MIGRATIONS",
      "UPSTREAMS",
      "UPSTREAM_A_KEY",
      "UPSTREAM_CANARY_KEY",
    ]);
    expect(env.STORE_PROMPTS).toBe("false");
  });
});
