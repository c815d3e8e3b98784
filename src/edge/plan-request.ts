import type { Context } from "hono";
import { estimatePromptTokens } from "../routing/cost-model.ts";
import { priorPredictor } from "../routing/quality-predictor.ts";
import type { AppEnv } from "./app-env.ts";
import { getLibrary } from "./library-cache.ts";
import { promptView } from "./openai-request.ts";
import { checkPromptLimits } from "./prompt-limits.ts";
import { getPredictor } from "./predictor.ts";
import { capabilityUses } from "./request-capabilities.ts";
import { planRoute, ranksByQuality, type RoutePlan } from "./routing-plan.ts";

/** The routing plan for one parsed request body: what /v1/route and the completion endpoints share. */
export async function planRequest(
  c: Context<AppEnv>,
  body: Parameters<typeof promptView>[0] & Parameters<typeof capabilityUses>[0] & { model: string; routing?: unknown; models?: string[] },
): Promise<{ prompt: ReturnType<typeof promptView>; plan: RoutePlan }> {
  checkPromptLimits(body);
  const prompt = promptView(body, estimatePromptTokens);
  // Only "auto" without a models list ranks by predicted quality: anything else need not load the router.
  const [library, predictor] = await Promise.all([getLibrary(c), ranksByQuality(body.model, body.models) ? getPredictor(c.env) : priorPredictor]);
  const plan = await planRoute({
    library,
    model: body.model,
    flagsHeader: c.req.header("x-switchyard-flags"),
    flagsBody: body.routing,
    models: body.models,
    uses: capabilityUses(body),
    prompt,
    predictor,
    now: new Date(),
  });
  return { prompt, plan };
}
