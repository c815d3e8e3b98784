import type { Context } from "hono";
import type { ModelHost } from "../engine/model-host.ts";
import type { AppEnv, TierDeps } from "./app-env.ts";
import { TierError } from "./tier-error.ts";

/** The loaded model a request names (404 naming the ones served otherwise); labels the request's metrics. */
export function findHost(c: Context<AppEnv>, deps: TierDeps, model: string): ModelHost {
  const host = deps.hosts.get(model);
  if (!host) {
    const served = [...deps.hosts.keys()].join(", ");
    throw new TierError("model_not_found", `model '${model}' is not served here (served: ${served})`, "model");
  }
  c.set("model", host.id);
  return host;
}
