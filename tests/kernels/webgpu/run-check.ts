import { spawnSync } from "node:child_process";
import { join } from "node:path";

/** One case a Deno check script printed: { op, name, worst, ok }. */
export interface Outcome {
  op: string;
  name: string;
  worst: number | null;
  ok: boolean;
}

/** What a check script left: its JSON cases, stderr and exit status. */
export interface CheckRun {
  outcomes: Outcome[];
  stderr: string;
  status: number | null;
}

const root = join(import.meta.dirname, "../../..");

/**
 * Runs a Deno check script (tests/kernels/webgpu/<script>) under node_modules/.bin/deno — WebGPU needs Deno; on
 * CPU-only machines it runs on lavapipe — and collects the JSON line it printed per case.
 */
/** A cold first run on a busy 2-core machine (Deno compiling, the other suite beside it) took over 120 s. */
export const checkTimeoutMs = 240_000;

export function runCheck(script: string, timeoutMs = checkTimeoutMs): CheckRun {
  const r = spawnSync(join(root, "node_modules/.bin/deno"), ["run", "-A", join("tests/kernels/webgpu", script)], {
    cwd: root,
    encoding: "utf8",
    timeout: timeoutMs,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1" },
  });
  const outcomes = r.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Outcome);
  return { outcomes, stderr: r.stderr, status: r.status };
}

/** The cases of `op` that missed, as readable lines. */
export function misses(run: CheckRun, op: string): string[] {
  return run.outcomes.filter((o) => o.op === op && !o.ok).map((o) => `${o.name}: worst ratio ${o.worst}`);
}
