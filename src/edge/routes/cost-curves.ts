/** GET /v1/cost-curves: each servable model's estimated latency and memory over prompt length (1k → 128k). */
import { Hono } from "hono";
import { z } from "zod";
import { servableModels } from "../../db/records.ts";
import { CostCurveSchema, CURVE_LENGTHS, costCurves } from "../../routing/cost-curves.ts";
import type { AppEnv } from "../app-env.ts";
import { getLibrary } from "../library-cache.ts";
import { apiKeyAuth } from "../middleware/api-key-auth.ts";
import { requestAllowance } from "../middleware/request-allowance.ts";
import { DEFAULT_MAX_TOKENS } from "../openai-request.ts";
import { integerParam } from "../query-params.ts";

export const CostCurvesQuerySchema = z
  .object({
    max_tokens: integerParam("max_tokens").pipe(z.number().int().min(1).max(1_000_000)).default(DEFAULT_MAX_TOKENS),
  })
  .strict();

export const CostCurvesReplySchema = z.object({
  object: z.literal("list"),
  max_tokens: z.number().int(),
  data: z.array(CostCurveSchema),
});

/** The cost-curve route, mounted under /v1. */
export function costCurveRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/cost-curves", apiKeyAuth("models"), requestAllowance(), async (c) => {
    const q = CostCurvesQuerySchema.parse(c.req.query());
    const library = await getLibrary(c);
    const servable = servableModels(library);
    const reply: z.infer<typeof CostCurvesReplySchema> = { object: "list", max_tokens: q.max_tokens, data: costCurves(servable, CURVE_LENGTHS, q.max_tokens) };
    return c.json(reply);
  });
  return app;
}
