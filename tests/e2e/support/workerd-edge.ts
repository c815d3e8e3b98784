/**
 * Runs the edge Worker in workerd directly (Miniflare), without `wrangler dev`'s local proxy in front: the
 * bundle is the one `wrangler deploy` would upload (`--dry-run --outdir`), D1 is local and gets the real
 * migrations. For measuring the Worker's own overhead; tests use `wrangler dev` (edge-process.ts).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { adminClient } from "./admin-client.ts";
import { WRANGLER_ENV, type EdgeProcess } from "./edge-process.ts";

const root = join(import.meta.dirname, "../../..");

/** An edge in workerd, whose local D1 the caller can also write to directly. */
export interface WorkerdEdge extends EdgeProcess {
  /** runs one SQL statement on the edge's D1, as `wrangler d1 execute` would: no request reaches the Worker */
  sql(statement: string): Promise<void>;
}

/**
 * Builds the Worker as deployed and serves it from workerd on a free loopback port; with `inspectorPort`,
 * workerd's V8 inspector listens there (benches read the isolate's memory through it).
 */
export async function startWorkerdEdge(vars: Record<string, string> = {}, inspectorPort?: number): Promise<WorkerdEdge> {
  const out = mkdtempSync(join(tmpdir(), "switchyard-bundle-"));
  const build = spawnSync(join(root, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", out], {
    cwd: root,
    env: WRANGLER_ENV,
    encoding: "utf8",
    timeout: 120_000,
  });
  if (build.status !== 0) throw new Error(`wrangler deploy --dry-run failed: ${build.stderr}${build.stdout}`);

  // Local D1 on tmpfs where there is one: production D1 is a remote service, not the Worker host's disk.
  const d1Dir = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "switchyard-d1-"));
  const adminToken = `admin-${crypto.randomUUID()}`;
  const mf = new Miniflare({
    // Listed, not discovered: Miniflare's module walk rejects the dynamic import() inside onnxruntime-web.
    modules: [
      { type: "ESModule", path: join(out, "worker.js") },
      ...readdirSync(out)
        .filter((f) => f.endsWith(".wasm"))
        .map((f) => ({ type: "CompiledWasm" as const, path: join(out, f) })),
    ],
    modulesRoot: out,
    compatibilityDate: "2026-04-26",
    compatibilityFlags: ["nodejs_compat"],
    d1Databases: { DB: "switchyard" },
    d1Persist: d1Dir,
    // wrangler.toml's binding: the per-key rate limiter, a class the bundle exports
    durableObjects: { KEY_LIMITER: { className: "KeyRateLimiter", useSQLite: true } },
    bindings: { ...vars, ADMIN_TOKEN: adminToken, ENVIRONMENT: "production" },
    host: "127.0.0.1",
    port: 0,
    inspectorPort,
  });
  const url = (await mf.ready).origin;
  const db = await mf.getD1Database("DB");
  for (const file of readdirSync(join(root, "migrations")).filter((f) => f.endsWith(".sql")).sort()) {
    const sql = readFileSync(join(root, "migrations", file), "utf8");
    for (const statement of sql.split("--> statement-breakpoint")) await db.prepare(statement).run();
  }
  const stop = async () => {
    await mf.dispose();
    rmSync(out, { recursive: true, force: true });
    rmSync(d1Dir, { recursive: true, force: true });
  };
  const sql = async (statement: string) => {
    await db.prepare(statement).run();
  };
  return { url, adminToken, admin: adminClient(url, adminToken), sql, stop };
}
