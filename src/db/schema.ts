/**
 * The D1 schema (drizzle). `npm run db:generate` turns it into migrations/ (wrangler's migrations_dir);
 * never edit those files by hand. Times are integer milliseconds since the epoch; JSON columns hold
 * values validated at the edge before they are written.
 */
import { sql } from "drizzle-orm";
import { blob, check, index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** OpenAI-compatible servers the edge proxies to. The key lives in a Worker secret named by secret_name. */
export const upstreams = sqliteTable("upstreams", {
  id: text("id").primaryKey(),
  /** base URL up to and including `/v1`, e.g. http://127.0.0.1:8788/v1 */
  baseUrl: text("base_url").notNull(),
  /** name of the Worker secret / env var that holds the bearer key (never the key itself); null = no auth */
  secretName: text("secret_name"),
  /** budget for connecting and receiving response headers; past it the next candidate is tried */
  timeoutMs: integer("timeout_ms").notNull().default(30_000),
  /** longest silence between two body chunks once the headers are in */
  idleTimeoutMs: integer("idle_timeout_ms").notNull().default(30_000),
  /** deadline for the whole answer, headers to last byte */
  totalTimeoutMs: integer("total_timeout_ms").notNull().default(300_000),
  weight: real("weight").notNull().default(1),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** The library: one architecture card (src/routing/model-card.ts) per row, plus where it is served. */
export const models = sqliteTable(
  "models",
  {
    id: text("id").primaryKey(),
    family: text("family", { enum: ["ssm", "hybrid", "transformer"] }).notNull(),
    architecture: text("architecture").notNull(),
    params: integer("params").notNull(),
    /** parameters run per token by a mixture of experts; null = params (dense) */
    activeParams: integer("active_params"),
    layers: integer("layers").notNull(),
    attentionLayers: integer("attention_layers").notNull(),
    dModel: integer("d_model").notNull(),
    dInner: integer("d_inner").notNull(),
    dState: integer("d_state").notNull(),
    kvHeads: integer("kv_heads").notNull(),
    headDim: integer("head_dim").notNull(),
    contextLength: integer("context_length").notNull(),
    releasedAt: text("released_at").notNull(),
    bytesPerParam: real("bytes_per_param").notNull(),
    priceInputPerMTok: real("price_input_per_mtok").notNull(),
    priceOutputPerMTok: real("price_output_per_mtok").notNull(),
    /** CalibrationSchema JSON, or null when tokens/s were never measured */
    calibration: text("calibration"),
    qualityPrior: real("quality_prior").notNull(),
    /** JSON array of the card's capabilities (CapabilitySchema); rows from before the column have none */
    capabilities: text("capabilities").notNull().default("[]"),
    upstreamId: text("upstream_id")
      .notNull()
      .references(() => upstreams.id),
    /** the name the upstream knows the model by; null = the library id */
    upstreamModel: text("upstream_model"),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("models_upstream_idx").on(t.upstreamId)],
);

/** Named flag sets, used by `model: "auto:<name>"`; `flags` is a FlagsPatch JSON. */
export const policies = sqliteTable("policies", {
  name: text("name").primaryKey(),
  flags: text("flags").notNull(),
  description: text("description"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** API keys for /v1: only the SHA-256 of the key is stored. */
export const apiKeys = sqliteTable("api_keys", {
  id: text("id").primaryKey(),
  /** lowercase hex SHA-256 of the full key */
  hash: text("hash").notNull().unique(),
  name: text("name").notNull(),
  /** JSON array of scopes (ApiScopeSchema in src/db/records.ts) */
  scopes: text("scopes").notNull(),
  /** requests per minute this key may make (src/routing/rate-allowance.ts); null = unlimited */
  requestsPerMinute: integer("requests_per_minute"),
  /** prompt plus completion tokens per minute; null = unlimited */
  tokensPerMinute: integer("tokens_per_minute"),
  createdAt: integer("created_at").notNull(),
  revokedAt: integer("revoked_at"),
});

/** One row per routed request: what was considered, what served it, and how it went. */
export const decisions = sqliteTable(
  "decisions",
  {
    /** the request id, returned in `x-switchyard-decision` */
    id: text("id").primaryKey(),
    createdAt: integer("created_at").notNull(),
    keyId: text("key_id"),
    /** chat.completions | completions | route */
    endpoint: text("endpoint").notNull(),
    /** the `model` the client asked for ("auto", "auto:<policy>" or a library id) */
    requestedModel: text("requested_model").notNull(),
    stream: integer("stream", { mode: "boolean" }).notNull(),
    promptTokens: integer("prompt_tokens").notNull(),
    maxTokens: integer("max_tokens").notNull(),
    /** resolved Flags JSON */
    flags: text("flags").notNull(),
    /** Decision.candidates JSON, best first, every term included */
    candidates: text("candidates").notNull(),
    /** the model that served the request (after fallbacks); null when none did */
    chosen: text("chosen"),
    /** JSON array of {model, upstream, error} for every failed attempt before the one that answered */
    fallbacksTried: text("fallbacks_tried").notNull(),
    /**
     * routed | ok | upstream_error (a 4xx passed through) | upstream_unavailable (502, no byte sent) |
     * upstream_broken (the stream broke after its first byte: the client got an error event, then [DONE]) |
     * client_disconnected (the client left before the end) | rate_limited (429: the key was over a limit,
     * nothing was sent upstream); older rows may say incomplete
     */
    status: text("status").notNull(),
    /** the HTTP status the client got */
    httpStatus: integer("http_status").notNull(),
    /** whether the client's answer ended as its protocol says: a whole JSON body, or SSE through [DONE] */
    endedCleanly: integer("ended_cleanly", { mode: "boolean" }).notNull().default(true),
    /** the error the client was given, when it was given one */
    error: text("error"),
    /** time to the answering upstream's response headers */
    upstreamLatencyMs: real("upstream_latency_ms"),
    /** time from the request arriving to the last byte sent back */
    totalLatencyMs: real("total_latency_ms").notNull(),
    tokensIn: integer("tokens_in"),
    tokensOut: integer("tokens_out"),
    routerVersion: text("router_version").notNull(),
    /**
     * the prompt text routing saw (its last 32 000 characters), kept only when the Worker's STORE_PROMPTS
     * is "true" so feedback can train the router; null otherwise
     */
    prompt: text("prompt"),
  },
  (t) => [index("decisions_created_idx").on(t.createdAt), index("decisions_key_idx").on(t.keyId)],
);

/**
 * Circuit breaker per upstream (src/routing/circuit-breaker.ts), shared by every isolate; no row = closed.
 * Writes are compare-and-set on `version`, so concurrent isolates never lose a failure or claim a probe twice.
 */
export const upstreamBreakers = sqliteTable("upstream_breakers", {
  upstreamId: text("upstream_id").primaryKey(),
  failures: integer("failures").notNull(),
  openUntil: integer("open_until"),
  cooldownMs: integer("cooldown_ms").notNull(),
  probeUntil: integer("probe_until"),
  lastError: text("last_error"),
  version: integer("version").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** Feedback or a measured loss for a decision; exactly one of score (0..1) and loss (≥ 0) is set. */
export const outcomes = sqliteTable(
  "outcomes",
  {
    id: text("id").primaryKey(),
    decisionId: text("decision_id")
      .notNull()
      .references(() => decisions.id),
    score: real("score"),
    loss: real("loss"),
    /** who measured it, e.g. "feedback" or "score" (the tier's /v1/score) */
    source: text("source").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("outcomes_decision_idx").on(t.decisionId),
    // the export pages through outcomes in (created_at, id) order
    index("outcomes_created_idx").on(t.createdAt, t.id),
    check("outcomes_one_measure", sql`(${t.score} IS NULL) <> (${t.loss} IS NULL)`),
  ],
);

/** Published learned routers; the edge uses the active one. Written by `switchyard router publish`. */
export const routerVersions = sqliteTable("router_versions", {
  version: text("version").primaryKey(),
  createdAt: integer("created_at").notNull(),
  /** JSON array: the model ids the router's output columns stand for, in order */
  modelIds: text("model_ids").notNull(),
  /** JSON object of evaluation figures */
  metrics: text("metrics").notNull(),
  /** the ONNX graph (≤ ~1.5 MB) */
  onnx: blob("onnx", { mode: "buffer" }).notNull(),
  active: integer("active", { mode: "boolean" }).notNull().default(false),
});
