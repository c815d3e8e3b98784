#!/usr/bin/env node
/**
 * `npm start`: the whole stack on loopback, from a fresh clone, with no downloads.
 *   1. make the demo checkpoints (SSM, hybrid, Transformer) if missing
 *   2. apply the D1 migrations to the local database
 *   3. start the tier (Deno, CPU backend) and the edge (wrangler dev: workerd + local D1)
 *   4. seed the library and register the tier's models with the edge
 * Ports: EDGE_PORT (8787), TIER_PORT (8788). Ctrl-C stops both.
 */
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { offlineEnv } from "./offline.mjs";

const root = join(import.meta.dirname, "..");
const edgePort = Number(process.env.EDGE_PORT ?? 8787);
const tierPort = Number(process.env.TIER_PORT ?? 8788);
const edge = `http://127.0.0.1:${edgePort}`;
const tier = `http://127.0.0.1:${tierPort}`;
const modelsDir = process.env.SWITCHYARD_MODELS ?? join(root, ".switchyard/models");
const env = offlineEnv;
const bin = (name) => join(root, "node_modules/.bin", name);
const children = [];

function step(title, cmd, args) {
  console.log(`» ${title}`);
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: "inherit" });
  if (r.status !== 0) throw new Error(`${title} failed (exit ${r.status})`);
}

function serve(name, cmd, args) {
  const child = spawn(cmd, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  const tag = (line) => `[${name}] ${line}`;
  for (const s of [child.stdout, child.stderr]) {
    s.setEncoding("utf8");
    s.on("data", (d) => process.stdout.write(d.split("\n").filter(Boolean).map(tag).join("\n") + "\n"));
  }
  child.on("exit", (code) => {
    if (!stopping) {
      console.error(tag(`exited with ${code}`));
      stop(1);
    }
  });
  children.push(child);
}

async function waitFor(url, seconds) {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not come up within ${seconds}s`);
}

let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const c of children) c.kill("SIGTERM");
  process.exit(code);
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

// Local dev keeps each decision's prompt, so feedback can train the router (`switchyard records export`);
// wrangler.toml leaves STORE_PROMPTS off for deploys. A STORE_PROMPTS line already in .dev.vars wins.
function keepPromptsLocally() {
  const path = join(root, ".dev.vars");
  const text = existsSync(path) ? readFileSync(path, "utf8") : "";
  if (/^STORE_PROMPTS\s*=/m.test(text)) return;
  appendFileSync(path, `${text === "" || text.endsWith("\n") ? "" : "\n"}STORE_PROMPTS=true\n`);
  console.log("» wrote STORE_PROMPTS=true to .dev.vars (local wrangler dev only)");
}

const cli = (args) => [process.execPath, ["--import", "tsx", join(root, "src/cli/main.ts"), ...args]];

try {
  step("demo checkpoints", ...cli(["demo", "make", "--out", modelsDir]));
  step("D1 migrations (local)", bin("wrangler"), ["d1", "migrations", "apply", "DB", "--local"]);
  step("library seed (local)", ...cli(["library", "seed", "--local"]));
  keepPromptsLocally();
  // --calibrate: the tier measures each model's tokens/s on startup, so the edge's cost model uses real speeds.
  serve("tier", bin("deno"), [
    "run", "-A", "--unstable-no-legacy-abort", "src/tier/main.ts",
    "--models", modelsDir, "--port", String(tierPort), "--calibrate", "256",
  ]);
  serve("edge", bin("wrangler"), [
    "dev", "--ip", "127.0.0.1", "--port", String(edgePort), "--show-interactive-dev-session=false",
    "--var", "ENVIRONMENT:development",
  ]);
  await Promise.all([waitFor(`${tier}/healthz`, 120), waitFor(`${edge}/healthz`, 60)]);
  step("register tier models", ...cli(["tier", "register", "--edge", edge, "--tier", tier]));
  console.log(`
Switchyard is up.
  edge  ${edge}/v1   (OpenAI-compatible; dev key: sk-switchyard-dev)
  tier  ${tier}/v1

  curl -s ${edge}/v1/chat/completions -H 'authorization: Bearer sk-switchyard-dev' \\
    -H 'content-type: application/json' -d '{"model":"auto","messages":[{"role":"user","content":"Hello"}]}'

  Prompts are kept locally (STORE_PROMPTS=true in .dev.vars): POST /v1/feedback on a decision, then
  npm run switchyard -- records export --edge ${edge} --out feedback.jsonl
`);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  stop(1);
}
