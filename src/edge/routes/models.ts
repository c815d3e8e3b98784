/** GET /v1/models: the OpenAI list shape; each library model carries its architecture card. */
import { Hono } from "hono";
import { z } from "zod";
import { servableModels, type LibraryModel } from "../../db/records.ts";
import { ModelCardFieldsSchema, type ModelCard } from "../../routing/model-card.ts";
import type { AppEnv } from "../app-env.ts";
import { getLibrary } from "../library-cache.ts";
import { apiKeyAuth } from "../middleware/api-key-auth.ts";
import { requestAllowance } from "../middleware/request-allowance.ts";
import { DEFAULT_POLICY } from "../routing-plan.ts";

/** GET /v1/models's answer: the routers ("auto", "auto:<policy>") first, then every servable model with its card. */
export const ModelListSchema = z.object({
  object: z.literal("list"),
  data: z.array(
    z.union([
      z.object({ id: z.string(), object: z.literal("model"), created: z.literal(0), owned_by: z.literal("switchyard"), router: z.literal(true) }),
      z.object({ id: z.string(), object: z.literal("model"), created: z.number().int(), owned_by: z.string(), card: ModelCardFieldsSchema }),
    ]),
  ),
});
export type ModelList = z.infer<typeof ModelListSchema>;

/** The models endpoint, mounted under /v1. */
export function modelRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/models", apiKeyAuth("models"), requestAllowance(), async (c) => {
    const library = await getLibrary(c);
    const servable = servableModels(library);
    const routers = ["auto", ...[...library.policies.keys()].filter((p) => p !== DEFAULT_POLICY).map((p) => `auto:${p}`)];
    const reply: ModelList = {
      object: "list",
      data: [
        ...routers.map((id) => ({ id, object: "model", created: 0, owned_by: "switchyard", router: true }) as const),
        ...servable.map((m) => ({
          id: m.id,
          object: "model" as const,
          created: Math.floor(Date.parse(m.releasedAt) / 1000),
          owned_by: m.upstream,
          card: cardOf(m),
        })),
      ],
    };
    return c.json(reply);
  });
  return app;
}

function cardOf(m: LibraryModel): ModelCard {
  const { upstream: _u, upstreamModel: _n, enabled: _e, ...card } = m;
  return card;
}
