/** GET /v1/decisions and /v1/decisions/:id: a key reads back its own decisions, with every term and the outcome. */
import { Hono } from "hono";
import { z } from "zod";
import { openDatabase } from "../../db/database.ts";
import { getDecision, listDecisionsOfKey, outcomesOf } from "../../db/queries-decisions.ts";
import type { decisions } from "../../db/schema.ts";
import { CandidateSchema } from "../../routing/decision-schema.ts";
import { FlagsSchema } from "../../routing/flags.ts";
import type { AppEnv } from "../app-env.ts";
import { flushDecisions, isBuffered } from "../decision-batch.ts";
import { EdgeError } from "../edge-error.ts";
import { apiKeyAuth } from "../middleware/api-key-auth.ts";
import { requestAllowance } from "../middleware/request-allowance.ts";
import { integerParam } from "../query-params.ts";

export const MAX_DECISIONS_PAGE = 100;

export const DecisionListQuerySchema = z
  .object({
    limit: integerParam("limit").pipe(z.number().int().min(1).max(MAX_DECISIONS_PAGE)).default(20),
    /** epoch ms: decisions made before it (the `created_ms` of the last one of the previous page) */
    before: integerParam("before").optional(),
  })
  .strict();

const AttemptSchema = z.object({ model: z.string(), upstream: z.string(), error: z.string() });

/** One decision as its key reads it back: what was considered, what served it and how it ended. */
export const DecisionRecordSchema = z.object({
  id: z.string(),
  object: z.literal("switchyard.decision_record"),
  created_ms: z.number().int(),
  endpoint: z.string(),
  requested_model: z.string(),
  /** the model that served it, after fallbacks; null when none did */
  model: z.string().nullable(),
  stream: z.boolean(),
  prompt_tokens: z.number().int(),
  max_tokens: z.number().int(),
  flags: FlagsSchema,
  candidates: z.array(CandidateSchema),
  fallbacks_tried: z.array(AttemptSchema),
  status: z.string(),
  http_status: z.number().int(),
  ended_cleanly: z.boolean(),
  error: z.string().nullable(),
  upstream_latency_ms: z.number().nullable(),
  total_latency_ms: z.number(),
  tokens_in: z.number().int().nullable(),
  tokens_out: z.number().int().nullable(),
  router_version: z.string(),
});
export type DecisionRecord = z.infer<typeof DecisionRecordSchema>;

/** GET /v1/decisions/:id: the record and the outcomes fed back on it (POST /v1/feedback). */
export const DecisionDetailSchema = DecisionRecordSchema.extend({
  outcomes: z.array(z.object({ id: z.string(), score: z.number().nullable(), loss: z.number().nullable(), source: z.string(), created_ms: z.number().int() })),
});

export const DecisionListSchema = z.object({ object: z.literal("list"), data: z.array(DecisionRecordSchema) });

function record(row: typeof decisions.$inferSelect): DecisionRecord {
  return {
    id: row.id,
    object: "switchyard.decision_record",
    created_ms: row.createdAt,
    endpoint: row.endpoint,
    requested_model: row.requestedModel,
    model: row.chosen,
    stream: row.stream,
    prompt_tokens: row.promptTokens,
    max_tokens: row.maxTokens,
    flags: JSON.parse(row.flags) as DecisionRecord["flags"],
    candidates: JSON.parse(row.candidates) as DecisionRecord["candidates"],
    fallbacks_tried: JSON.parse(row.fallbacksTried) as DecisionRecord["fallbacks_tried"],
    status: row.status,
    http_status: row.httpStatus,
    ended_cleanly: row.endedCleanly,
    error: row.error,
    upstream_latency_ms: row.upstreamLatencyMs,
    total_latency_ms: row.totalLatencyMs,
    tokens_in: row.tokensIn,
    tokens_out: row.tokensOut,
    router_version: row.routerVersion,
  };
}

/** The decision routes, mounted under /v1. */
export function decisionRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const auth = [apiKeyAuth("route"), requestAllowance()] as const;
  app.get("/decisions", ...auth, async (c) => {
    const q = DecisionListQuerySchema.parse(c.req.query());
    const db = openDatabase(c.env.DB);
    await flushDecisions(db);
    const rows = await listDecisionsOfKey(db, c.get("apiKey").id, { limit: q.limit, before: q.before });
    return c.json({ object: "list" as const, data: rows.map(record) } satisfies z.infer<typeof DecisionListSchema>);
  });
  app.get("/decisions/:id", ...auth, async (c) => {
    const id = c.req.param("id");
    const db = openDatabase(c.env.DB);
    if (isBuffered(id)) await flushDecisions(db);
    const row = await getDecision(db, id);
    // Another key's decision reads as missing, so ids cannot be probed across keys.
    if (!row || row.keyId !== c.get("apiKey").id) throw new EdgeError("not_found", `no decision "${id}" for this key`);
    const outcomes = (await outcomesOf(db, id)).map((o) => ({ id: o.id, score: o.score, loss: o.loss, source: o.source, created_ms: o.createdAt }));
    return c.json({ ...record(row), outcomes } satisfies z.infer<typeof DecisionDetailSchema>);
  });
  return app;
}
