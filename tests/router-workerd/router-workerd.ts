/**
 * Starts tests/router-workerd/predictor-worker.ts under `wrangler dev` (real workerd) on a free loopback
 * port; used by the workerd predictor test and bench/router-inference.ts. `stop()` kills the process group.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "../..");

export interface PredictorWorker {
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function killGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.kill(-child.pid, "SIGTERM");
  const timer = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(-child.pid, "SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Starts the predictor Worker and waits until it answers. */
export async function startPredictorWorker(): Promise<PredictorWorker> {
  const state = mkdtempSync(join(tmpdir(), "switchyard-router-workerd-"));
  const port = await freePort();
  const env = {
    ...process.env,
    WRANGLER_SEND_METRICS: "false",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    WRANGLER_HIDE_BANNER: "true",
    XDG_CONFIG_HOME: join(root, ".xdg"),
    ORT_DISABLE_TELEMETRY: "1",
  };
  const args = ["dev", "-c", "tests/router-workerd/wrangler.toml", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", state, "--show-interactive-dev-session=false"];
  const child = spawn(join(root, "node_modules/.bin/wrangler"), args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let log = "";
  for (const s of [child.stdout, child.stderr]) s?.on("data", (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await killGroup(child);
    rmSync(state, { recursive: true, force: true });
  };
  const until = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null || Date.now() > until) {
      await stop();
      throw new Error(`predictor worker did not start:\n${log.slice(-3000)}`);
    }
    const ok = await fetch(url, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false);
    if (ok) return { url, stop };
    await new Promise((r) => setTimeout(r, 250));
  }
}
