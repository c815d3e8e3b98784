/**
 * The edge as a route table: middleware, then thin handlers that translate HTTP to routing and back.
 *   /healthz, /openapi.json         liveness and the OpenAPI 3.1 document (no auth)
 *   /v1/chat/completions, /v1/completions, /v1/route, /v1/models, /v1/feedback, /v1/decisions,
 *   /v1/cost-curves                                                              (API key)
 *   /admin/{upstreams,models,policies,keys,routers}, /admin/outcomes/export, /admin/usage   (admin token)
 */
import { Hono } from "hono";
import type { AppEnv } from "./app-env.ts";
import { EdgeError } from "./edge-error.ts";
import { renderError } from "./error-handler.ts";
import { adminAuth } from "./middleware/admin-auth.ts";
import { corsPolicy } from "./middleware/cors-policy.ts";
import { requestId } from "./middleware/request-id.ts";
import { requestLog } from "./middleware/request-log.ts";
import { openApiDocument } from "./openapi/openapi-document.ts";
import { adminKeyRoutes } from "./routes/admin-keys.ts";
import { adminLibraryRoutes } from "./routes/admin-library.ts";
import { adminOutcomeRoutes } from "./routes/admin-outcomes.ts";
import { adminRouterRoutes } from "./routes/admin-routers.ts";
import { adminUsageRoutes } from "./routes/admin-usage.ts";
import { completionRoutes } from "./routes/completions.ts";
import { costCurveRoutes } from "./routes/cost-curves.ts";
import { decisionRoutes } from "./routes/decisions.ts";
import { feedbackRoutes } from "./routes/feedback.ts";
import { modelRoutes } from "./routes/models.ts";
import { routeRoutes } from "./routes/route.ts";

/** Builds the edge app. */
export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(requestLog());
  app.get("/healthz", (c) => c.json({ ok: true }));
  app.get("/openapi.json", (c) => c.json(openApiDocument(new URL(c.req.url).origin)));

  const v1 = new Hono<AppEnv>();
  v1.use(corsPolicy());
  v1.route("/", completionRoutes());
  v1.route("/", routeRoutes());
  v1.route("/", modelRoutes());
  v1.route("/", feedbackRoutes());
  v1.route("/", decisionRoutes());
  v1.route("/", costCurveRoutes());
  app.route("/v1", v1);

  const admin = new Hono<AppEnv>();
  admin.use(adminAuth());
  admin.route("/", adminLibraryRoutes());
  admin.route("/", adminKeyRoutes());
  admin.route("/", adminRouterRoutes());
  admin.route("/", adminOutcomeRoutes());
  admin.route("/", adminUsageRoutes());
  app.route("/admin", admin);

  app.notFound((c) => renderError(new EdgeError("not_found", `no route for ${c.req.method} ${c.req.path}`), c));
  app.onError(renderError);
  return app;
}
