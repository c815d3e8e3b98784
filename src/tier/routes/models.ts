import type { Context } from "hono";
import type { ModelHost } from "../../engine/model-host.ts";
import type { AppEnv, TierDeps } from "../app-env.ts";
import { findHost } from "../find-host.ts";
import { TIER_CAPABILITIES } from "../tier-capabilities.ts";

/**
 * One model in OpenAI's list shape, with the architecture card the edge stores (ModelCardSchema), the tier's
 * own capabilities on it, and how it is served.
 */
function modelEntry(host: ModelHost, created: number) {
  const card = { ...host.card, capabilities: [...TIER_CAPABILITIES] };
  return { id: host.id, object: "model", created, owned_by: "switchyard-tier", card, serving: host.serving };
}

/** GET /v1/models and GET /v1/models/:id. */
export function models(deps: TierDeps) {
  // Loading time stands in for "created": the tier cannot know when a checkpoint was trained.
  const created = Math.floor(Date.now() / 1000);
  return {
    list: function listModels(c: Context<AppEnv>): Response {
      return c.json({ object: "list", data: [...deps.hosts.values()].map((h) => modelEntry(h, created)) });
    },
    one: function getModel(c: Context<AppEnv>): Response {
      return c.json(modelEntry(findHost(c, deps, c.req.param("id") ?? ""), created));
    },
  };
}
