/** POST /v1/route: the routing decision alone, with every term, recorded like any other decision. */
import { Hono } from "hono";
import { estimatePromptTokens } from "../../routing/cost-model.ts";
import type { AppEnv } from "../app-env.ts";
import { decisionRow, logDecision } from "../decision-log.ts";
import { getLibrary } from "../library-cache.ts";
import { apiKeyAuth } from "../middleware/api-key-auth.ts";
import { promptView, RouteRequestSchema } from "../openai-request.ts";
import { getPredictor } from "../predictor.ts";
import { parseJsonBody } from "../request-body.ts";
import { planRoute } from "../routing-plan.ts";

/** The route endpoint, mounted under /v1. */
export function routeRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post("/route", apiKeyAuth("route"), async (c) => {
    const body = await parseJsonBody(c, RouteRequestSchema);
    const prompt = promptView(body, estimatePromptTokens);
    const [library, predictor] = await Promise.all([getLibrary(c), getPredictor(c.env)]);
    const plan = await planRoute({
      library,
      model: body.model,
      flagsHeader: c.req.header("x-switchyard-flags"),
      flagsBody: body.routing,
      prompt,
      predictor,
      now: new Date(),
    });
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
        upstreamLatencyMs: null,
        tokensIn: null,
        tokensOut: null,
        endedAt: performance.now(),
      }),
    );
    return c.json({
      id: c.get("requestId"),
      object: "switchyard.decision",
      created: Math.floor(Date.now() / 1000),
      model: plan.decision.chosen,
      router_version: plan.routerVersion,
      prompt_tokens: prompt.promptTokens,
      max_tokens: prompt.maxTokens,
      flags: plan.flags,
      fallbacks: plan.targets.slice(1).map((t) => t.model.id),
      decision: plan.decision,
    });
  });
  return app;
}
