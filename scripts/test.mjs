#!/usr/bin/env node
// Runs every suite (workerd and node) side by side — they share no ports (each takes free ones) — then prints
// each suite's output in turn and one plain "N passed, N failed" line for CI. The workerd suite spends most of its
// time starting an isolate per file, the node one compiling CUDA and waiting on Deno processes: run together they
// overlap instead of adding up.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { offlineEnv } from "./offline.mjs";

const env = { ...offlineEnv, FORCE_COLOR: "0" };
mkdirSync(".run", { recursive: true });
const suites = [
  { name: "workers", config: "vitest.workers.config.ts" },
  { name: "node", config: "vitest.config.ts" },
].filter((s) => existsSync(s.config));

/** Runs one suite, collecting its output; resolves with its exit status. */
function runSuite(s) {
  const out = `.run/vitest-${s.name}.json`;
  rmSync(out, { force: true });
  return new Promise((resolve) => {
    const child = spawn("npx", ["vitest", "run", "--config", s.config, "--reporter=default", "--reporter=json", `--outputFile=${out}`], { env });
    const chunks = [];
    child.stdout.on("data", (c) => chunks.push(c));
    child.stderr.on("data", (c) => chunks.push(c));
    child.on("close", (code) => resolve({ ...s, out, code, text: Buffer.concat(chunks).toString() }));
  });
}

const results = await Promise.all(suites.map(runSuite));
let passed = 0;
let failed = 0;
let status = 0;
for (const r of results) {
  process.stdout.write(`\n── ${r.name} suite (${r.config}) ──\n${r.text}`);
  if (r.code !== 0) status = 1;
  if (existsSync(r.out)) {
    const j = JSON.parse(readFileSync(r.out, "utf8"));
    passed += j.numPassedTests ?? 0;
    failed += (j.numFailedTests ?? 0) + (j.numFailedTestSuites ?? 0);
  } else {
    failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(status);
