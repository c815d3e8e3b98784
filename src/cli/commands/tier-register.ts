import { registerWithEdge } from "../../tier/register-with-edge.ts";
import { adminToken } from "../admin-token.ts";
import { integerOption, parseCommandArgs } from "../command-args.ts";

const usage = `usage: switchyard tier register [options]
  --edge <url>          the edge                        [http://127.0.0.1:8787]
  --tier <url>          the tier                        [http://127.0.0.1:8788]
  --admin-token <tok>   the edge's ADMIN_TOKEN          [$ADMIN_TOKEN, else ADMIN_TOKEN in .dev.vars]
  --upstream-id <id>    upstream row for the tier       [tier]
  --timeout-ms <n>      edge → tier request timeout     [120000]`;

/** `switchyard tier register`: upserts the tier as an upstream of the edge and each tier model with its card. */
export async function run(argv: string[]): Promise<void> {
  const args = parseCommandArgs(argv, usage, {
    options: {
      edge: { type: "string", default: "http://127.0.0.1:8787" },
      tier: { type: "string", default: "http://127.0.0.1:8788" },
      "admin-token": { type: "string" },
      "upstream-id": { type: "string", default: "tier" },
      "timeout-ms": { type: "string", default: "120000" },
    },
  });
  if (!args) return;
  const { values } = args;
  const timeoutMs = integerOption("timeout-ms", values["timeout-ms"], usage);
  const result = await registerWithEdge({
    edge: values.edge,
    tier: values.tier,
    adminToken: await adminToken(values["admin-token"], usage),
    upstreamId: values["upstream-id"],
    timeoutMs,
  });
  console.log(`registered upstream '${result.upstream}' → ${values.tier}/v1`);
  for (const m of result.models) console.log(`  ${m.created ? "added  " : "updated"} ${m.id}`);
}
