import type { Context } from "hono";
import type { AppEnv, TierDeps } from "../app-env.ts";

/** GET /healthz: 200 with the served models while accepting work, 503 once draining for shutdown. */
export function healthz(deps: TierDeps) {
  return function healthzHandler(c: Context<AppEnv>): Response {
    const draining = deps.scheduler.isDraining;
    return c.json({ status: draining ? "draining" : "ok", models: [...deps.hosts.keys()] }, draining ? 503 : 200);
  };
}

/** GET /metrics: Prometheus text exposition. */
export function metrics(deps: TierDeps) {
  return function metricsHandler(c: Context<AppEnv>): Response {
    const loads = [...deps.hosts.values()].map((h) => ({ model: h.id, serving: h.serving, ...deps.scheduler.depth(h.id) }));
    return c.text(deps.metrics.render(loads), 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
  };
}
