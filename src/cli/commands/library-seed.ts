/**
 * `switchyard library seed`: upserts a library file (upstreams, models, policies) into D1 through
 * `wrangler d1 execute`. Locally it also seeds the dev API key and gives wrangler dev an ADMIN_TOKEN in
 * .dev.vars (when it has none), so `npm start` and the README examples work from a fresh clone.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seedStatements, type SeedKey } from "../../db/queries-seed.ts";
import { DEFAULT_SCOPES, LibraryFileSchema } from "../../db/records.ts";
import { DEV_ADMIN_TOKEN, DEV_API_KEY } from "../../db/seed/dev-credentials.ts";
import { parseCommandArgs, usageError } from "../command-args.ts";

const root = join(import.meta.dirname, "../../..");

const usage = `usage: switchyard library seed (--local | --remote) [options]
  --file <path>         library JSON (upstreams, models, policies)   [src/db/seed/default-library.json]
  --local               the local D1 of wrangler dev; also seeds the dev key ${DEV_API_KEY}
                        and writes ADMIN_TOKEN to .dev.vars when it has none
  --remote              the deployed D1 (no dev key, no .dev.vars)
  --no-dev-key          do not seed the dev key
  --persist-to <dir>    wrangler's local state directory               [.wrangler/state]
  --dry-run             print the SQL instead of running it`;

/** Runs the command. */
export async function run(argv: string[]): Promise<void> {
  const args = parseCommandArgs(argv, usage, {
    options: {
      file: { type: "string", default: join(root, "src/db/seed/default-library.json") },
      local: { type: "boolean", default: false },
      remote: { type: "boolean", default: false },
      "no-dev-key": { type: "boolean", default: false },
      "persist-to": { type: "string" },
      "dry-run": { type: "boolean", default: false },
    },
  });
  if (!args) return;
  const { values } = args;
  if (values.local === values.remote) throw usageError("give exactly one of --local and --remote", usage);

  const parsed = LibraryFileSchema.safeParse(JSON.parse(readFileSync(values.file, "utf8")));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${values.file}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
  }
  const library = parsed.data;
  const key: SeedKey | undefined =
    values.local && !values["no-dev-key"]
      ? { id: "dev", hash: sha256(DEV_API_KEY), name: "local dev key", scopes: [...DEFAULT_SCOPES] }
      : undefined;
  const sql = seedStatements(library, Date.now(), key).join("\n");
  if (values["dry-run"]) {
    console.log(sql);
    return;
  }

  const dir = mkdtempSync(join(tmpdir(), "switchyard-seed-"));
  try {
    const file = join(dir, "seed.sql");
    writeFileSync(file, sql + "\n");
    const args = ["d1", "execute", "DB", values.local ? "--local" : "--remote", "--file", file, "--yes"];
    if (values["persist-to"]) args.push("--persist-to", values["persist-to"]);
    const r = spawnSync(join(root, "node_modules/.bin/wrangler"), args, { cwd: root, stdio: "inherit" });
    if (r.status !== 0) throw new Error(`wrangler d1 execute failed (exit ${r.status})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `seeded ${library.upstreams.length} upstreams, ${library.models.length} models, ${library.policies.length} policies` +
      (key ? ` and the dev key ${DEV_API_KEY}` : ""),
  );
  if (values.local) ensureDevAdminToken();
}

// wrangler dev reads secrets from .dev.vars; an existing ADMIN_TOKEN there is left alone.
function ensureDevAdminToken(): void {
  const path = join(root, ".dev.vars");
  const text = existsSync(path) ? readFileSync(path, "utf8") : "";
  if (/^ADMIN_TOKEN\s*=/m.test(text)) return;
  appendFileSync(path, `${text === "" || text.endsWith("\n") ? "" : "\n"}ADMIN_TOKEN=${DEV_ADMIN_TOKEN}\n`);
  console.log(`wrote ADMIN_TOKEN=${DEV_ADMIN_TOKEN} to .dev.vars (local wrangler dev only)`);
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
