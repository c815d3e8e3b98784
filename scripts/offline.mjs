#!/usr/bin/env node
/**
 * The environment that keeps local runs off the network (STACK.md: with it, strace sees no non-loopback
 * connection from wrangler, workerd, vitest or Deno): no wrangler metrics, no request.cf lookup, no banner's
 * version check, wrangler's config under the repository, no onnxruntime telemetry, no Deno update check.
 * `npm start` and `npm test` use it; `node scripts/offline.mjs <command> [args…]` runs any command in it
 * (npm run dev:edge, db:migrate:local, db:seed:local).
 */
import { spawn } from "node:child_process";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(import.meta.dirname, "..");

/** process.env plus the offline variables. */
export const offlineEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_HIDE_BANNER: "true",
  XDG_CONFIG_HOME: join(root, ".xdg"),
  ORT_DISABLE_TELEMETRY: "1",
  DENO_NO_UPDATE_CHECK: "1",
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, ...args] = process.argv.slice(2);
  if (!command) {
    console.error("usage: node scripts/offline.mjs <command> [args…]");
    process.exit(2);
  }
  // the project's own binaries first, as under npm run
  const PATH = [join(root, "node_modules/.bin"), process.env.PATH].filter(Boolean).join(delimiter);
  const child = spawn(command, args, { env: { ...offlineEnv, PATH }, stdio: "inherit" });
  // Ctrl-C reaches the child through the terminal, so this process only waits for it to finish; a kill of
  // this process alone is passed on.
  process.on("SIGINT", () => {});
  for (const signal of ["SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  child.on("error", (err) => {
    console.error(`${command}: ${err.message}`);
    process.exit(127);
  });
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
