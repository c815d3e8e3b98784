import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env.ts";
import type { TierMetrics } from "./metrics.ts";

/** Paths used as the `route` label; anything else is "other", so random URLs cannot grow the label set. */
const ROUTES = ["/v1/chat/completions", "/v1/completions", "/v1/score", "/v1/models", "/healthz", "/metrics"];

function routeLabel(path: string): string {
  if (ROUTES.includes(path)) return path;
  return path.startsWith("/v1/models/") ? "/v1/models/:id" : "other";
}

/** Calls `done` once the body has been read to its end or cancelled by the client. */
function onBodyEnd(body: ReadableStream<Uint8Array>, done: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const r = await reader.read();
      if (r.done) {
        controller.close();
        done();
      } else controller.enqueue(r.value);
    },
    async cancel(reason) {
      done();
      await reader.cancel(reason);
    },
  });
}

/**
 * Gives each request an id (x-request-id, echoed back) and records its status and latency; a streamed
 * response is measured to its last byte, not to its headers.
 */
export function requestMetrics(metrics: TierMetrics): MiddlewareHandler<AppEnv> {
  return async function requestMetricsMiddleware(c, next) {
    const start = performance.now();
    const requestId = c.req.header("x-request-id") ?? `req_${crypto.randomUUID()}`;
    c.set("requestId", requestId);
    c.set("model", "-");
    await next();
    c.res.headers.set("x-request-id", requestId);
    const route = routeLabel(c.req.path);
    let recorded = false;
    const record = () => {
      if (recorded) return;
      recorded = true;
      metrics.recordRequest(route, c.get("model"), c.res.status, (performance.now() - start) / 1000);
    };
    const streamed = c.res.headers.get("content-type")?.startsWith("text/event-stream") && c.res.body;
    if (streamed && c.res.body) {
      const { status, headers } = c.res;
      c.res = new Response(onBodyEnd(c.res.body, record), { status, headers });
    } else record();
  };
}
