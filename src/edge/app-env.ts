import type { ApiKeyRecord } from "../db/records.ts";
import type { KeyRateLimiter } from "./rate-limit/key-rate-limiter.ts";

/** Worker bindings: D1, the rate limiter, the admin token, and the upstream secrets named by `upstreams.secret_name`. */
export interface Bindings {
  DB: D1Database;
  /** one KeyRateLimiter Durable Object per API key id (wrangler.toml durable_objects) */
  KEY_LIMITER: DurableObjectNamespace<KeyRateLimiter>;
  /** bearer token for /admin; when unset, /admin answers 403 admin_disabled */
  ADMIN_TOKEN?: string;
  /** "development" adds error details to 500 bodies; wrangler.toml's default is "production" */
  ENVIRONMENT?: string;
  /** origins allowed to call /v1 from a browser: comma-separated, or "*"; empty (the default) = none */
  CORS_ORIGINS?: string;
  /** how long (ms) a decision row waits to share a D1 write with its neighbours; default 1000 */
  DECISION_BATCH_MS?: string;
  /** "off" stops writing decision rows (default: on) */
  DECISION_LOG?: string;
  /** "true" keeps each decision's prompt text (for training the router on feedback); default "false" */
  STORE_PROMPTS?: string;
  /** the model /admin/usage counts savings against when the query names none; default: the library's priciest */
  SAVINGS_BASELINE_MODEL?: string;
  /** least severe structured log level printed: debug | info (default) | warn | error | off */
  LOG_LEVEL?: string;
  /** upstream secrets, looked up by name */
  [secretName: string]: unknown;
}

/** Per-request values set by middleware. */
export interface Variables {
  requestId: string;
  /** performance.now() when the request arrived */
  startedAt: number;
  /** the authenticated key (set by apiKeyAuth on /v1) */
  apiKey: ApiKeyRecord;
}

/** The one env type of every `new Hono<AppEnv>()`. */
export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
