/**
 * The inference tier's entry point (Deno): `deno run -A src/tier/main.ts --models <dirs> --port 8788`.
 * Opens the backend `--backend` names (auto: cuda, then webgpu, then cpu), loads every model on it, serves the Hono
 * app, and drains running requests on SIGINT/SIGTERM.
 */
import { selectBackend } from "../engine/backends/select-backend.ts";
import { findModelDirs } from "../engine/model-dirs.ts";
import { calibratedCard, loadModelHost, type ModelHost } from "../engine/model-host.ts";
import { TierMetrics } from "./metrics.ts";
import { Scheduler } from "./scheduler.ts";
import { createTierApp } from "./server.ts";
import { parseTierOptions, tierUsage } from "./tier-options.ts";

/** The slice of the Deno runtime this file uses (the project's typecheck runs with Node's types). */
interface DenoRuntime {
  args: string[];
  exit(code: number): never;
  addSignalListener(signal: "SIGINT" | "SIGTERM", handler: () => void): void;
  serve(
    options: { hostname: string; port: number; onListen: (addr: { hostname: string; port: number }) => void },
    handler: (req: Request) => Response | Promise<Response>,
  ): { shutdown(): Promise<void>; finished: Promise<void> };
}
declare const Deno: DenoRuntime;

async function start(): Promise<void> {
  let opts;
  try {
    opts = parseTierOptions(Deno.args);
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n${tierUsage}`);
    Deno.exit(2);
  }
  const backend = await selectBackend(opts.backend);
  for (const reason of backend.fellBack) console.log(`[tier] backend ${reason}; trying the next`);
  console.log(`[tier] backend ${backend.description}`);
  const hosts = new Map<string, ModelHost>();
  for (const dir of await findModelDirs(opts.models)) {
    const host = await loadModelHost(dir, backend.ops);
    if (hosts.has(host.id)) throw new Error(`two model dirs share the id '${host.id}': ${hosts.get(host.id)?.dir} and ${dir}`);
    hosts.set(host.id, host);
    const s = host.serving;
    console.log(`[tier] loaded ${host.id} (${host.card.architecture}, ${host.card.family}, ${host.card.params} params) on ${s.backend} in ${s.dtype}`);
    // A calibration stated in switchyard-card.json is kept.
    if (opts.calibrate > 0 && host.card.calibration === null) {
      host.card = await calibratedCard(host, opts.calibrate);
      const c = host.card.calibration;
      console.log(`[tier] calibrated ${host.id}: prefill ${c?.prefillTokPerS.toFixed(0)} tok/s, decode ${c?.decodeTokPerS.toFixed(0)} tok/s at ${opts.calibrate} tokens`);
    }
  }
  const scheduler = new Scheduler({ concurrency: opts.concurrency, maxQueue: opts.maxQueue, maxWaitMs: opts.maxWaitMs });
  const app = createTierApp({ hosts, scheduler, metrics: new TierMetrics(), defaultMaxTokens: opts.defaultMaxTokens, kvTokens: opts.kvTokens });
  const server = Deno.serve(
    {
      hostname: opts.host,
      port: opts.port,
      // Tests and scripts read this line to learn the port (with --port 0).
      onListen: (addr) => console.log(`[tier] listening on http://${addr.hostname}:${addr.port}`),
    },
    app.fetch,
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log("[tier] draining");
    await Promise.race([scheduler.drain(), new Promise((r) => setTimeout(r, opts.drainMs))]);
    await server.shutdown();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  await server.finished;
}

start().catch((err: unknown) => {
  console.error(`[tier] ${err instanceof Error ? err.message : String(err)}`);
  Deno.exit(1);
});
