import { parseArgs } from "node:util";
import { z } from "zod";
import { BACKEND_CHOICES, type BackendChoice } from "../engine/backends/select-backend.ts";

const int = (min: number) => z.coerce.number().int().min(min);

/** Options of the tier server (`switchyard tier serve` and src/tier/main.ts take the same flags). */
export const TierOptionsSchema = z.object({
  /** comma-separated model dirs, or a root holding one dir per model */
  models: z.string().min(1).default(".switchyard/models"),
  host: z.string().min(1).default("127.0.0.1"),
  port: int(0).max(65535).default(8788),
  /** requests running at once per model (CPU backend: 1) */
  concurrency: int(1).default(1),
  /** requests waiting per model before 429 */
  maxQueue: int(0).default(8),
  /** longest wait in the queue before 503 */
  maxWaitMs: int(1).default(120_000),
  /** max_tokens when a request sets none */
  defaultMaxTokens: int(1).default(256),
  /** how long shutdown waits for running requests */
  drainMs: int(0).default(10_000),
  /** prompt tokens to measure each model's throughput at on startup (the card's calibration); 0 = off */
  calibrate: int(0).default(0),
  /** which backend computes: auto tries cuda, then webgpu, then cpu */
  backend: z.enum(BACKEND_CHOICES as [BackendChoice, ...BackendChoice[]]).default("auto"),
  /** tokens one request's KV cache holds (prompt + max_tokens); attention models refuse longer requests */
  kvTokens: int(1).default(32_768),
});
export type TierOptions = z.infer<typeof TierOptionsSchema>;

/** Usage text of the tier's flags. */
export const tierUsage = `options:
  --models <dirs|root>      model dirs (comma-separated) or a root of model dirs  [.switchyard/models]
  --host <addr>             listen address                                       [127.0.0.1]
  --port <n>                listen port (0: any free port)                        [8788]
  --concurrency <n>         requests running at once per model                    [1]
  --max-queue <n>           requests queued per model before 429                  [8]
  --max-wait-ms <n>         queue wait before 503                                 [120000]
  --default-max-tokens <n>  max_tokens when a request sets none                   [256]
  --drain-ms <n>            shutdown grace for running requests                   [10000]
  --calibrate <n>           measure tokens/s at an n-token prompt on startup      [0: off]
  --backend <name>          auto | cuda | webgpu | cpu (auto: cuda, webgpu, cpu)  [auto]
  --kv-tokens <n>           KV-cache capacity per request, in tokens              [32768]`;

/** Parses tier flags; unknown flags and bad values throw an error that names them. */
export function parseTierOptions(argv: readonly string[]): TierOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      models: { type: "string" },
      host: { type: "string" },
      port: { type: "string" },
      concurrency: { type: "string" },
      "max-queue": { type: "string" },
      "max-wait-ms": { type: "string" },
      "default-max-tokens": { type: "string" },
      "drain-ms": { type: "string" },
      calibrate: { type: "string" },
      backend: { type: "string" },
      "kv-tokens": { type: "string" },
    },
  });
  const parsed = TierOptionsSchema.safeParse({
    models: values.models,
    host: values.host,
    port: values.port,
    concurrency: values.concurrency,
    maxQueue: values["max-queue"],
    maxWaitMs: values["max-wait-ms"],
    defaultMaxTokens: values["default-max-tokens"],
    drainMs: values["drain-ms"],
    calibrate: values.calibrate,
    backend: values.backend,
    kvTokens: values["kv-tokens"],
  });
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => `--${String(i.path[0]).replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`)}: ${i.message}`).join("; "));
  }
  return parsed.data;
}
