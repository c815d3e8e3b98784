import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";
import { logEvent, setLogLevel } from "../log.ts";
import { MODEL_HEADER } from "../routes/completions.ts";

/** One `request` log line per request once its headers are out: status, time to headers, key and served model. */
export function requestLog(): MiddlewareHandler<AppEnv> {
  return async function requestLogMiddleware(c, next) {
    setLogLevel(c.env.LOG_LEVEL);
    await next();
    logEvent("info", "request", {
      request_id: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - c.get("startedAt")) * 100) / 100,
      key_id: c.get("apiKey")?.id ?? null,
      model: c.res.headers.get(MODEL_HEADER),
    });
  };
}
