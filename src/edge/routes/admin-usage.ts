/** GET /admin/usage: tokens, estimated cost and requests per key, model and day, and the savings against a baseline. */
import { Hono } from "hono";
import { z } from "zod";
import { openDatabase } from "../../db/database.ts";
import { listApiKeys } from "../../db/queries-keys.ts";
import { loadLibrary } from "../../db/queries-library.ts";
import { usageRows } from "../../db/queries-usage.ts";
import type { LibraryModel } from "../../db/records.ts";
import type { AppEnv } from "../app-env.ts";
import { flushDecisions } from "../decision-batch.ts";
import { EdgeError } from "../edge-error.ts";
import { usageReport, type Price, type UsageReport } from "../usage/usage-report.ts";
import { integerParam } from "../query-params.ts";

export const MAX_USAGE_DAYS = 366;

/** The usage report's query parameters. */
export const UsageQuerySchema = z
  .object({
    days: integerParam("days").pipe(z.number().int().min(1).max(MAX_USAGE_DAYS)).default(30),
    key_id: z.string().min(1).optional(),
    /** the model the savings are counted against; default: the Worker's SAVINGS_BASELINE_MODEL, else the priciest */
    baseline: z.string().min(1).optional(),
  })
  .strict();

const DAY_MS = 86_400_000;
const priceOf = (m: LibraryModel): Price => ({ input: m.priceInputPerMTok, output: m.priceOutputPerMTok });

/** The baseline savings are measured against: asked for, configured, or the library's priciest model. */
function chooseBaseline(models: readonly LibraryModel[], asked: string | undefined, configured: string | undefined) {
  const byId = new Map(models.map((m) => [m.id, m]));
  if (asked !== undefined) {
    const m = byId.get(asked);
    if (!m) throw new EdgeError("invalid_request", `baseline "${asked}" is not a library model`, "baseline");
    return { model: m.id, source: "query" as const, price: priceOf(m) };
  }
  const config = configured ? byId.get(configured) : undefined;
  if (config) return { model: config.id, source: "config" as const, price: priceOf(config) };
  const total = (m: LibraryModel) => m.priceInputPerMTok + m.priceOutputPerMTok;
  const priciest = [...models].sort((a, b) => total(b) - total(a) || a.id.localeCompare(b.id))[0];
  return priciest ? { model: priciest.id, source: "most_expensive" as const, price: priceOf(priciest) } : null;
}

/** The usage route, mounted under /admin. */
export function adminUsageRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/usage", async (c) => {
    const q = UsageQuerySchema.parse(c.req.query());
    const db = openDatabase(c.env.DB);
    // Rows this isolate still holds for a batched write count too.
    await flushDecisions(db);
    // Whole UTC days: today and the days-1 before it.
    const since = Math.floor(Date.now() / DAY_MS) * DAY_MS - (q.days - 1) * DAY_MS;
    const [rows, library, keys] = await Promise.all([usageRows(db, { since, keyId: q.key_id }), loadLibrary(db), listApiKeys(db)]);
    const report: UsageReport = usageReport({
      rows,
      prices: new Map(library.models.map((m) => [m.id, priceOf(m)])),
      baseline: chooseBaseline(library.models, q.baseline, c.env.SAVINGS_BASELINE_MODEL),
      keyNames: new Map(keys.map((k) => [k.id, k.name])),
      since: new Date(since).toISOString().slice(0, 10),
    });
    return c.json(report);
  });
  return app;
}
