/** GET /v1/models: the OpenAI list shape; each library model carries its architecture card. */
import { Hono } from "hono";
import type { LibraryModel } from "../../db/records.ts";
import type { ModelCard } from "../../routing/model-card.ts";
import type { AppEnv } from "../app-env.ts";
import { getLibrary } from "../library-cache.ts";
import { apiKeyAuth } from "../middleware/api-key-auth.ts";
import { requestAllowance } from "../middleware/request-allowance.ts";
import { DEFAULT_POLICY } from "../routing-plan.ts";

/** The models endpoint, mounted under /v1. */
export function modelRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/models", apiKeyAuth("models"), requestAllowance(), async (c) => {
    const library = await getLibrary(c);
    const servable = library.models.filter((m) => m.enabled && library.upstreams.get(m.upstream)?.enabled);
    const routers = ["auto", ...[...library.policies.keys()].filter((p) => p !== DEFAULT_POLICY).map((p) => `auto:${p}`)];
    return c.json({
      object: "list",
      data: [
        ...routers.map((id) => ({ id, object: "model", created: 0, owned_by: "switchyard", router: true })),
        ...servable.map((m) => ({
          id: m.id,
          object: "model",
          created: Math.floor(Date.parse(m.releasedAt) / 1000),
          owned_by: m.upstream,
          card: cardOf(m),
        })),
      ],
    });
  });
  return app;
}

function cardOf(m: LibraryModel): ModelCard {
  const { upstream: _u, upstreamModel: _n, enabled: _e, ...card } = m;
  return card;
}
