import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { usageError } from "./command-args.ts";

/** wrangler dev reads the edge's secrets, ADMIN_TOKEN among them, from this file at the repository root. */
const DEV_VARS = join(import.meta.dirname, "../../.dev.vars");

/**
 * The edge's admin token for a command: `given` (its --admin-token), else $ADMIN_TOKEN, else ADMIN_TOKEN in
 * .dev.vars, so commands run against `npm start` need no flag.
 * @param devVars the .dev.vars file to read (the repository's unless given)
 * @throws a usage error (ending with `usage`) when there is none
 * @example
 * const token = await adminToken(values["admin-token"], usage);
 */
export async function adminToken(given: string | undefined, usage: string, devVars = DEV_VARS): Promise<string> {
  const token = given || process.env.ADMIN_TOKEN || (await tokenInDevVars(devVars));
  if (!token) throw usageError("no admin token: pass --admin-token or set ADMIN_TOKEN", usage);
  return token;
}

async function tokenInDevVars(path: string): Promise<string | undefined> {
  const vars = await readFile(path, "utf8").catch(() => "");
  return /^ADMIN_TOKEN\s*=\s*"?([^"\n]+)"?\s*$/m.exec(vars)?.[1];
}
