import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";

/** Names every request (the id is also its decision id) and notes when it arrived. */
export function requestId(): MiddlewareHandler<AppEnv> {
  return async function requestIdMiddleware(c, next) {
    const id = `req_${crypto.randomUUID().replaceAll("-", "")}`;
    c.set("requestId", id);
    c.set("startedAt", performance.now());
    await next();
    c.res.headers.set("x-request-id", id);
  };
}
