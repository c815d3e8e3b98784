import type { ModelHost } from "../engine/model-host.ts";
import type { TierMetrics } from "./metrics.ts";
import type { Scheduler } from "./scheduler.ts";

/** What every route of the tier works with; built once at startup. */
export interface TierDeps {
  /** loaded models by id */
  hosts: ReadonlyMap<string, ModelHost>;
  scheduler: Scheduler;
  metrics: TierMetrics;
  /** max_tokens when a request gives none (still capped by the context left) */
  defaultMaxTokens: number;
  /** tokens one request's KV cache holds; a longer request to a model with attention layers is refused */
  kvTokens: number;
}

/** The one Hono Env of the tier app. */
export interface AppEnv {
  Variables: {
    requestId: string;
    /** model the request is for, once known (a metrics label) */
    model: string;
  };
}
