/**
 * Starts the edge as users run it — `wrangler dev` (workerd + local D1) — on a free loopback port with its own
 * throwaway D1 state, after applying the real migrations. One per test file; `stop()` kills it.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { adminClient, type AdminCall } from "./admin-client.ts";

const root = join(import.meta.dirname, "../../..");
const wrangler = join(root, "node_modules/.bin/wrangler");

/** Offline wrangler: no metrics, no account lookups, config under the repo. */
export const WRANGLER_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_HIDE_BANNER: "true",
  XDG_CONFIG_HOME: join(root, ".xdg"),
};

/** A running edge. */
export interface EdgeProcess {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  adminToken: string;
  /** calls the admin API; throws on a non-2xx answer */
  admin: AdminCall;
  stop(): Promise<void>;
}

/** Starts `wrangler dev` with `vars` (secrets such as upstream keys) plus ADMIN_TOKEN. */
export async function startEdge(vars: Record<string, string> = {}): Promise<EdgeProcess> {
  // Throwaway state on tmpfs where there is one: no disk syncs for a database deleted at the end.
  const state = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "switchyard-edge-"));
  const migrate = spawnSync(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state], {
    cwd: root,
    env: WRANGLER_ENV,
    encoding: "utf8",
    timeout: 60_000,
  });
  if (migrate.status !== 0) throw new Error(`migrations failed: ${migrate.stderr}${migrate.stdout}`);

  const port = await freePort();
  const adminToken = `admin-${crypto.randomUUID()}`;
  const varArgs = Object.entries({ ENVIRONMENT: "development", ...vars, ADMIN_TOKEN: adminToken }).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  const { child, log, stop } = spawnWrangler(
    ["dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", state, "--show-interactive-dev-session=false",
      "--env-file", "/dev/null", ...varArgs],
    state,
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, child, log);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, adminToken, admin: adminClient(url, adminToken), stop };
}

/** Spawns `wrangler <args>` in its own process group, keeping its output; `stop()` kills the group and removes `state`. */
export function spawnWrangler(args: string[], state: string, env: NodeJS.ProcessEnv = WRANGLER_ENV): { child: ChildProcess; log: () => string; stop: () => Promise<void> } {
  const child = spawn(wrangler, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let log = "";
  for (const s of [child.stdout, child.stderr]) s?.on("data", (d: Buffer) => (log += d.toString()));
  const stop = async () => {
    await killGroup(child);
    rmSync(state, { recursive: true, force: true });
  };
  return { child, log: () => log, stop };
}

async function waitForHealth(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${log()}`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`wrangler dev did not answer /healthz within 60 s:\n${log()}`);
}

// wrangler dev runs workerd as a child: kill the whole process group, then wait for the leader to exit.
async function killGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-(child.pid as number), "SIGKILL");
    } catch {
      // already gone
    }
  }, 5_000);
  await exited;
  clearTimeout(timer);
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
