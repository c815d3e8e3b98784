import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv, TierDeps } from "./app-env.ts";
import { requestMetrics } from "./request-metrics.ts";
import { chatCompletions } from "./routes/chat-completions.ts";
import { completions } from "./routes/completions.ts";
import { models } from "./routes/models.ts";
import { healthz, metrics } from "./routes/health-and-metrics.ts";
import { score } from "./routes/score.ts";
import { TierError } from "./tier-error.ts";

/** Largest request body accepted (a long prompt in JSON stays far below it). */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * The tier's HTTP app: OpenAI-compatible generation, scoring, model cards, health and metrics. Runtime-free
 * (web-standard Request/Response); main.ts serves it with Deno.serve.
 * @example
 *   Deno.serve({ port: 8788 }, createTierApp(deps).fetch);
 */
export function createTierApp(deps: TierDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("*", requestMetrics(deps.metrics));
  app.use(
    "/v1/*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new TierError("invalid_request", `the request body exceeds ${MAX_BODY_BYTES} bytes`);
      },
    }),
  );

  const modelRoutes = models(deps);
  app.post("/v1/chat/completions", chatCompletions(deps));
  app.post("/v1/completions", completions(deps));
  app.post("/v1/score", score(deps));
  app.get("/v1/models", modelRoutes.list);
  app.get("/v1/models/:id", modelRoutes.one);
  app.get("/healthz", healthz(deps));
  app.get("/metrics", metrics(deps));

  app.notFound((c) => {
    const err = new TierError("not_found", `no route for ${c.req.method} ${c.req.path}`);
    return c.json(err.toBody(c.get("requestId")), err.status);
  });
  app.onError((err, c) => {
    const known = err instanceof TierError;
    // The client left while queued: nobody reads an answer, and nothing failed.
    if (!known && c.req.raw.signal.aborted) return new Response(null, { status: 499 });
    // Unknown failures are logged here and answered without internals.
    if (!known) console.error(`[tier] ${c.get("requestId")} ${c.req.method} ${c.req.path}:`, err);
    const e = known ? err : new TierError("internal_error", "internal error");
    // Busy, not broken: clients (the openai SDK among them) wait this long before they retry.
    if (e.code === "queue_full" || e.code === "overloaded") c.header("retry-after", "1");
    return c.json(e.toBody(c.get("requestId")), e.status);
  });
  return app;
}
