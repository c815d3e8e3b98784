import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseTierOptions, tierUsage } from "../../tier/tier-options.ts";
import { showHelp, usageError } from "../command-args.ts";

const root = join(import.meta.dirname, "../../..");

const usage = `usage: switchyard tier serve [options]\n${tierUsage}`;

/**
 * `switchyard tier serve [--models dirs] [--port 8788] …`: runs the inference tier, a Deno program
 * (src/tier/main.ts), with the deno binary from node_modules. Flags are checked here first so mistakes fail fast.
 */
export async function run(argv: string[]): Promise<void> {
  if (showHelp(argv, usage)) return;
  try {
    parseTierOptions(argv);
  } catch (err) {
    throw usageError(err instanceof Error ? err.message : String(err), usage);
  }
  const deno = join(root, "node_modules/.bin/deno");
  if (!existsSync(deno)) throw new Error(`deno is not installed at ${deno}: run npm install`);
  // request.signal then fires only when the client leaves, which is all the tier uses it for.
  const child = spawn(deno, ["run", "-A", "--unstable-no-legacy-abort", join(root, "src/tier/main.ts"), ...argv], {
    stdio: "inherit",
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1" },
  });
  // The tier drains on these signals; pass them on rather than dying first.
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
  const code = await new Promise<number>((resolve) => child.on("exit", (c) => resolve(c ?? 1)));
  process.exitCode = code;
}
