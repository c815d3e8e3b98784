/**
 * `switchyard router publish <artifact.onnx>`: stores a trained router (ONNX + sidecar) as a row of
 * router_versions, through the edge's admin API (`--edge`) or straight into local D1 (`--local`, via
 * `wrangler d1 execute`), and by default makes it the active router.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import cliProgress from "cli-progress";
import { publishStatements } from "../../router/publish-sql.ts";
import { readArtifact } from "../../router/router-artifact.ts";
import { adminToken } from "../admin-token.ts";
import { parseCommandArgs, usageError } from "../command-args.ts";

const root = join(import.meta.dirname, "../../..");

const usage = `usage: switchyard router publish <artifact.onnx> (--edge <url> | --local) [options]
  --edge <url>          the edge's admin API: PUT <url>/admin/routers/<version>
  --admin-token <tok>   the edge's ADMIN_TOKEN              [$ADMIN_TOKEN, else ADMIN_TOKEN in .dev.vars]
  --local               write into wrangler dev's local D1 (wrangler d1 execute --local)
  --persist-to <dir>    wrangler's local state directory     [.wrangler/state]
  --no-activate         store it without making it the active router`;

/** Runs the command. */
export async function run(argv: string[]): Promise<void> {
  const args = parseCommandArgs(argv, usage, {
    allowPositionals: true,
    options: {
      edge: { type: "string" },
      "admin-token": { type: "string" },
      local: { type: "boolean", default: false },
      "persist-to": { type: "string" },
      "no-activate": { type: "boolean", default: false },
    },
  });
  if (!args) return;
  const { values, positionals } = args;
  const path = positionals[0];
  if (!path || positionals.length > 1) throw usageError("give one artifact path", usage);
  if (Boolean(values.edge) === values.local) throw usageError("give exactly one of --edge and --local", usage);
  const { meta, onnx } = await readArtifact(path);
  const activate = !values["no-activate"];
  const bar = new cliProgress.SingleBar({ format: `publish ${meta.version} [{bar}] {value}/{total} {info}` }, cliProgress.Presets.shades_classic);

  if (values.edge) {
    const token = await adminToken(values["admin-token"], usage);
    const url = `${values.edge.replace(/\/$/, "")}/admin/routers/${encodeURIComponent(meta.version)}`;
    const res = await fetch(url, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ model_ids: meta.modelIds, metrics: meta.metrics, created_at: meta.createdAt, onnx_base64: Buffer.from(onnx).toString("base64"), active: activate }),
      signal: AbortSignal.timeout(60_000),
    });
    if (!res.ok) throw new Error(`PUT ${url}: HTTP ${res.status} ${(await res.text()).slice(0, 500)}`);
    console.log(`published ${meta.version} (${onnx.length} bytes, ${meta.modelIds.length} models) to ${values.edge}${activate ? ", active" : ""}`);
    return;
  }

  const statements = publishStatements(meta, onnx, activate);
  const dir = await mkdtemp(join(tmpdir(), "switchyard-router-"));
  try {
    // One wrangler call per batch of chunks keeps each file small and shows progress on a 1.5 MB blob.
    const batches: string[][] = [];
    for (let i = 0; i < statements.length; i += 16) batches.push(statements.slice(i, i + 16));
    bar.start(batches.length, 0, { info: "" });
    for (const [i, batch] of batches.entries()) {
      const file = join(dir, `publish-${i}.sql`);
      await writeFile(file, `${batch.join("\n")}\n`);
      const args = ["d1", "execute", "DB", "--local", "--file", file, "--yes"];
      if (values["persist-to"]) args.push("--persist-to", values["persist-to"]);
      const r = spawnSync(join(root, "node_modules/.bin/wrangler"), args, { cwd: root, encoding: "utf8" });
      if (r.status !== 0) throw new Error(`wrangler d1 execute failed (exit ${r.status}): ${(r.stderr || r.stdout).slice(-800)}`);
      bar.update(i + 1, { info: `${Math.min(statements.length, (i + 1) * 16)}/${statements.length} statements` });
    }
    bar.stop();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  console.log(`published ${meta.version} (${onnx.length} bytes, ${meta.modelIds.length} models) to local D1${activate ? ", active" : ""}`);
}
