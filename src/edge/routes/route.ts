/** POST /v1/route: the routing decision alone, with every term, recorded like any other decision. */
import { Hono } from "hono";
import { z } from "zod";
import { DecisionSchema } from "../../routing/decision-schema.ts";
import { FlagsSchema } from "../../routing/flags.ts";
import type { AppEnv } from "../app-env.ts";
import { decisionRow, logDecision } from "../decision-log.ts";
import { apiKeyAuth } from "../middleware/api-key-auth.ts";
import { requestAllowance } from "../middleware/request-allowance.ts";
import { RouteRequestSchema } from "../openai-request.ts";
import { planRequest } from "../plan-request.ts";
import { parseJsonBody } from "../request-body.ts";
import { BreakerBoard } from "../upstream/breaker-board.ts";
import { breakerReasons } from "../upstream/breaker-reasons.ts";
import { MAX_CANDIDATES } from "../upstream/upstream-proxy.ts";

/** POST /v1/route's answer: the decision with every term, and what would be tried after the chosen model. */
export const RouteReplySchema = z.object({
  id: z.string(),
  object: z.literal("switchyard.decision"),
  created: z.number().int(),
  model: z.string().nullable(),
  router_version: z.string(),
  prompt_tokens: z.number().int(),
  max_tokens: z.number().int(),
  flags: FlagsSchema,
  /** the next candidates, in the order a completion would fall back to them */
  fallbacks: z.array(z.string()),
  decision: DecisionSchema,
});
export type RouteReply = z.infer<typeof RouteReplySchema>;

/** The route endpoint, mounted under /v1. */
export function routeRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post("/route", apiKeyAuth("route"), requestAllowance(), async (c) => {
    const body = await parseJsonBody(c, RouteRequestSchema);
    const { prompt, plan } = await planRequest(c, body);
    const breakers = await BreakerBoard.load(c);
    logDecision(
      c,
      decisionRow(c, {
        endpoint: "route",
        requestedModel: body.model,
        stream: false,
        prompt,
        plan,
        chosen: plan.decision.chosen,
        attempts: [],
        status: "routed",
        httpStatus: 200,
        endedCleanly: true,
        error: null,
        upstreamLatencyMs: null,
        tokensIn: null,
        tokensOut: null,
        endedAt: performance.now(),
      }),
    );
    const reasons = [...plan.decision.reasons, ...breakerReasons(plan.targets.slice(0, MAX_CANDIDATES), breakers, Date.now())];
    const reply: RouteReply = {
      id: c.get("requestId"),
      object: "switchyard.decision",
      created: Math.floor(Date.now() / 1000),
      model: plan.decision.chosen,
      router_version: plan.routerVersion,
      prompt_tokens: prompt.promptTokens,
      max_tokens: prompt.maxTokens,
      flags: plan.flags,
      fallbacks: plan.targets.slice(1, MAX_CANDIDATES).map((t) => t.model.id),
      decision: { ...plan.decision, reasons },
    };
    return c.json(reply);
  });
  return app;
}
