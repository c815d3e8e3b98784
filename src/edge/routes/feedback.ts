/** POST /v1/feedback: a score (0..1) or a measured loss for a decision this key made. */
import { Hono } from "hono";
import { z } from "zod";
import { openDatabase } from "../../db/database.ts";
import { getDecision, insertOutcome } from "../../db/queries-decisions.ts";
import type { AppEnv } from "../app-env.ts";
import { flushDecisions, isBuffered } from "../decision-batch.ts";
import { EdgeError } from "../edge-error.ts";
import { apiKeyAuth } from "../middleware/api-key-auth.ts";
import { requestAllowance } from "../middleware/request-allowance.ts";
import { parseJsonBody } from "../request-body.ts";

/** POST /v1/feedback body: exactly one of score and loss. */
export const FeedbackSchema = z
  .object({
    decision_id: z.string().min(1),
    score: z.number().min(0).max(1).optional(),
    loss: z.number().min(0).optional(),
    source: z.string().min(1).max(64).regex(/^[a-z0-9_.-]+$/).default("feedback"),
  })
  .strict()
  .refine((f) => (f.score === undefined) !== (f.loss === undefined), {
    message: "give exactly one of score (0..1) and loss (≥ 0)",
    path: ["score"],
  });

/** The feedback endpoint, mounted under /v1. */
export function feedbackRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post("/feedback", apiKeyAuth("feedback"), requestAllowance(), async (c) => {
    const body = await parseJsonBody(c, FeedbackSchema);
    const db = openDatabase(c.env.DB);
    // A decision made a moment ago may still wait in this isolate's write buffer.
    if (isBuffered(body.decision_id)) await flushDecisions(db);
    const decision = await getDecision(db, body.decision_id);
    // Another key's decision reads as missing, so ids cannot be probed across keys.
    if (!decision || decision.keyId !== c.get("apiKey").id) {
      throw new EdgeError("not_found", `no decision "${body.decision_id}" for this key`, "decision_id");
    }
    const row = {
      id: `out_${crypto.randomUUID().replaceAll("-", "")}`,
      decisionId: decision.id,
      score: body.score ?? null,
      loss: body.loss ?? null,
      source: body.source,
      createdAt: Date.now(),
    };
    await insertOutcome(db, row);
    return c.json(
      {
        id: row.id,
        object: "switchyard.outcome",
        decision_id: row.decisionId,
        model: decision.chosen,
        score: row.score,
        loss: row.loss,
        source: row.source,
        created: Math.floor(row.createdAt / 1000),
      },
      201,
    );
  });
  return app;
}
