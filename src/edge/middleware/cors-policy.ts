import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";

const ALLOW_HEADERS = "authorization, content-type, x-switchyard-flags, x-switchyard-timeouts";
const EXPOSE_HEADERS = "x-request-id, x-switchyard-model, x-switchyard-decision, x-switchyard-fallbacks, retry-after";

/**
 * CORS for /v1, closed unless the Worker var CORS_ORIGINS lists origins (comma-separated, exact, or `*`).
 * A listed origin gets the allow headers and its preflight a 204; any other origin gets no CORS header at
 * all, and its preflight is an ordinary 404, so a browser page elsewhere cannot read an answer.
 */
export function corsPolicy(): MiddlewareHandler<AppEnv> {
  return async function corsPolicyMiddleware(c, next) {
    const origin = c.req.header("origin");
    const allowed = (c.env.CORS_ORIGINS ?? "").split(",").map((o) => o.trim()).filter((o) => o !== "");
    if (origin === undefined || !(allowed.includes("*") || allowed.includes(origin))) return next();
    const cors = {
      "access-control-allow-origin": allowed.includes("*") ? "*" : origin,
      "access-control-expose-headers": EXPOSE_HEADERS,
      vary: "Origin",
    };
    if (c.req.method === "OPTIONS" && c.req.header("access-control-request-method") !== undefined) {
      return new Response(null, {
        status: 204,
        headers: { ...cors, "access-control-allow-methods": "GET, POST", "access-control-allow-headers": ALLOW_HEADERS, "access-control-max-age": "600" },
      });
    }
    await next();
    for (const [name, value] of Object.entries(cors)) c.res.headers.set(name, value);
  };
}
