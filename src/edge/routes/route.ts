/** POST /v1/route: the routing decision alone, with every term, recorded like any other decision. */
import { Hono } from "hono";
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
    return c.json({
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
    });
  });
  return app;
}
