import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { registerWithEdge } from "../../tier/register-with-edge.ts";

const root = join(import.meta.dirname, "../../..");

const usage = `usage: switchyard tier register [options]
  --edge <url>          the edge                        [http://127.0.0.1:8787]
  --tier <url>          the tier                        [http://127.0.0.1:8788]
  --admin-token <tok>   the edge's ADMIN_TOKEN          [$ADMIN_TOKEN, else ADMIN_TOKEN in .dev.vars]
  --upstream-id <id>    upstream row for the tier       [tier]
  --timeout-ms <n>      edge → tier request timeout     [120000]`;

/** ADMIN_TOKEN from the environment, else from .dev.vars (where wrangler dev reads the edge's secrets). */
async function adminTokenFromEnv(): Promise<string | null> {
  if (process.env.ADMIN_TOKEN) return process.env.ADMIN_TOKEN;
  try {
    const vars = await readFile(join(root, ".dev.vars"), "utf8");
    return /^ADMIN_TOKEN\s*=\s*"?([^"\n]+)"?\s*$/m.exec(vars)?.[1] ?? null;
  } catch {
    return null;
  }
}

/** `switchyard tier register`: upserts the tier as an upstream of the edge and each tier model with its card. */
export async function run(argv: string[]): Promise<void> {
  if (argv.includes("--help")) {
    console.log(usage);
    return;
  }
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      edge: { type: "string", default: "http://127.0.0.1:8787" },
      tier: { type: "string", default: "http://127.0.0.1:8788" },
      "admin-token": { type: "string" },
      "upstream-id": { type: "string", default: "tier" },
      "timeout-ms": { type: "string", default: "120000" },
    },
  });
  const adminToken = values["admin-token"] ?? (await adminTokenFromEnv());
  if (!adminToken) throw new Error(`no admin token: pass --admin-token or set ADMIN_TOKEN\n${usage}`);
  const timeoutMs = Number(values["timeout-ms"]);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new Error(`--timeout-ms: expected a positive integer, got ${values["timeout-ms"]}`);
  const result = await registerWithEdge({
    edge: values.edge,
    tier: values.tier,
    adminToken,
    upstreamId: values["upstream-id"],
    timeoutMs,
  });
  console.log(`registered upstream '${result.upstream}' → ${values.tier}/v1`);
  for (const m of result.models) console.log(`  ${m.created ? "added  " : "updated"} ${m.id}`);
}
