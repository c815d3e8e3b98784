/**
 * GET /admin/outcomes/export: feedback as router training data. One JSON line (application/x-ndjson) per
 * outcome whose decision kept its prompt (STORE_PROMPTS=true) and has a chosen model, in the record shape
 * `switchyard router train --records` reads. Lines come in (created_at, id) order; while more remain, the
 * answer carries `x-switchyard-next-cursor`, which the next call passes back as `cursor`.
 *   ?since=<ms epoch>   outcomes created at or after it
 *   ?limit=<1..10000>   lines per page (default 1000)
 *   ?source=<name>      only outcomes of this source ("feedback", "score", ...)
 *   ?cursor=<c>         continue after the previous page
 */
import { Hono } from "hono";
import { z } from "zod";
import { openDatabase } from "../../db/database.ts";
import { listPromptOutcomes, type PromptOutcome } from "../../db/queries-decisions.ts";
import type { OutcomeRecord } from "../../router/read-records.ts";
import type { AppEnv } from "../app-env.ts";
import { integerParam } from "../query-params.ts";

/** Response header with the cursor of the next page; absent on the last page. */
export const NEXT_CURSOR_HEADER = "x-switchyard-next-cursor";
/** Lines per page when the query names no limit. */
export const DEFAULT_EXPORT_LIMIT = 1_000;
/** Most lines one page may ask for. */
export const MAX_EXPORT_LIMIT = 10_000;


/** The export's query parameters. */
export const ExportQuerySchema = z
  .object({
    since: integerParam("since").optional(),
    limit: integerParam("limit").pipe(z.number().int().min(1).max(MAX_EXPORT_LIMIT)).default(DEFAULT_EXPORT_LIMIT),
    source: z.string().min(1).max(64).optional(),
    cursor: z
      .string()
      .regex(/^\d+\.\S+$/, "cursor must be a value of the x-switchyard-next-cursor header")
      .transform((c) => {
        const dot = c.indexOf(".");
        return { createdAt: Number(c.slice(0, dot)), id: c.slice(dot + 1) };
      })
      .optional(),
  })
  .strict();

/** The outcome admin routes, mounted under /admin. */
export function adminOutcomeRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/outcomes/export", async (c) => {
    const q = ExportQuerySchema.parse(c.req.query());
    // One row past the page says whether another page follows.
    const rows = await listPromptOutcomes(openDatabase(c.env.DB), {
      since: q.since,
      after: q.cursor,
      source: q.source,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    if (rows.length > q.limit && last) c.header(NEXT_CURSOR_HEADER, `${last.createdAt}.${last.id}`);
    const body = page.map((o) => `${JSON.stringify(outcomeRecord(o))}\n`).join("");
    return c.body(body, 200, { "content-type": "application/x-ndjson" });
  });
  return app;
}

function outcomeRecord(o: PromptOutcome): OutcomeRecord {
  return { prompt: o.prompt, model: o.model, ...o.measure, task: "feedback" };
}
