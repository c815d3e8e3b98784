/**
 * What `wrangler deploy` uploads with no extra vars, read from its own dry run: production behaviour (no
 * error details), CORS closed, prompts not kept.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { WRANGLER_ENV } from "./support/edge-process.ts";

const root = join(import.meta.dirname, "../..");

it("deploys with ENVIRONMENT=production, CORS closed and STORE_PROMPTS off by default", () => {
  const out = mkdtempSync(join(tmpdir(), "switchyard-dry-"));
  try {
    const run = spawnSync(join(root, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", out], {
      cwd: root,
      env: WRANGLER_ENV,
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const vars = Object.fromEntries(
      [...run.stdout.matchAll(/env\.([A-Z_]+) \("([^"]*)"\)\s+Environment Variable/g)].map((m) => [m[1], m[2]]),
    );
    expect(vars).toEqual({ ENVIRONMENT: "production", CORS_ORIGINS: "", STORE_PROMPTS: "false", SAVINGS_BASELINE_MODEL: "", LOG_LEVEL: "info" });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
