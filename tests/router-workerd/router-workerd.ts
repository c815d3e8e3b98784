/**
 * Starts tests/router-workerd/predictor-worker.ts under `wrangler dev` (real workerd) on a free loopback
 * port; used by the workerd predictor test and bench/router-inference.ts. `stop()` kills the process group.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, spawnWrangler, WRANGLER_ENV } from "../e2e/support/edge-process.ts";

export interface PredictorWorker {
  url: string;
  stop(): Promise<void>;
}

/** Starts the predictor Worker and waits until it answers. */
export async function startPredictorWorker(): Promise<PredictorWorker> {
  const state = mkdtempSync(join(tmpdir(), "switchyard-router-workerd-"));
  const port = await freePort();
  const args = ["dev", "-c", "tests/router-workerd/wrangler.toml", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", state, "--show-interactive-dev-session=false"];
  const { child, log, stop } = spawnWrangler(args, state, { ...WRANGLER_ENV, ORT_DISABLE_TELEMETRY: "1" });
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null || Date.now() > until) {
      await stop();
      throw new Error(`predictor worker did not start:\n${log().slice(-3000)}`);
    }
    const ok = await fetch(url, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false);
    if (ok) return { url, stop };
    await new Promise((r) => setTimeout(r, 250));
  }
}
