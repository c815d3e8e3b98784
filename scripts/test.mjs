#!/usr/bin/env node
// Runs every suite (workerd and node), then prints one plain "N passed, N failed" line for CI.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, existsSync } from "node:fs";

const env = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_HIDE_BANNER: "true",
  XDG_CONFIG_HOME: `${process.cwd()}/.xdg`,
  ORT_DISABLE_TELEMETRY: "1",
  DENO_NO_UPDATE_CHECK: "1",
};
mkdirSync(".run", { recursive: true });
const suites = [
  { name: "workers", config: "vitest.workers.config.ts" },
  { name: "node", config: "vitest.config.ts" },
];
let passed = 0;
let failed = 0;
let status = 0;
for (const s of suites) {
  if (!existsSync(s.config)) continue;
  const out = `.run/vitest-${s.name}.json`;
  const r = spawnSync(
    "npx",
    ["vitest", "run", "--config", s.config, "--reporter=default", "--reporter=json", `--outputFile=${out}`],
    { stdio: "inherit", env },
  );
  if (r.status !== 0) status = 1;
  if (existsSync(out)) {
    const j = JSON.parse(readFileSync(out, "utf8"));
    passed += j.numPassedTests ?? 0;
    failed += (j.numFailedTests ?? 0) + (j.numFailedTestSuites ?? 0);
  } else {
    failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(status);
