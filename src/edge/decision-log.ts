/**
 * Builds decision rows and writes them after the response (ctx.waitUntil), never on the request's path.
 * With STORE_PROMPTS=true a row keeps the prompt text routing saw, so feedback on it can train the router.
 */
import type { Context } from "hono";
import { openDatabase } from "../db/database.ts";
import type { DecisionRow } from "../db/queries-decisions.ts";
import type { AppEnv } from "./app-env.ts";
import { bufferDecision, DEFAULT_BATCH_WINDOW_MS } from "./decision-batch.ts";
import type { PromptView } from "./openai-request.ts";
import type { Attempt } from "./upstream/upstream-proxy.ts";
import type { RoutePlan } from "./routing-plan.ts";
import { errorText, logEvent } from "./log.ts";

/** Which endpoint made the decision. */
export type DecisionEndpoint = "chat.completions" | "completions" | "route";

/** How the request ended for the client, as decisions.status (see src/db/schema.ts). */
export type DecisionStatus =
  | "routed"
  | "ok"
  | "upstream_error"
  | "upstream_unavailable"
  | "upstream_broken"
  | "client_disconnected"
  | "rate_limited";

/** What a decision row records beyond the plan. */
export interface DecisionFacts {
  endpoint: DecisionEndpoint;
  requestedModel: string;
  stream: boolean;
  prompt: PromptView;
  plan: RoutePlan;
  chosen: string | null;
  attempts: Attempt[];
  status: DecisionStatus;
  /** the HTTP status the client got */
  httpStatus: number;
  /** whether the client got the whole answer */
  endedCleanly: boolean;
  /** the error the client was given (or why the answer ended early) */
  error: string | null;
  upstreamLatencyMs: number | null;
  tokensIn: number | null;
  tokensOut: number | null;
  /** performance.now() when the response ended */
  endedAt: number;
}

/** The row for one decision of this request. */
export function decisionRow(c: Context<AppEnv>, f: DecisionFacts): DecisionRow {
  return {
    id: c.get("requestId"),
    createdAt: Date.now(),
    keyId: c.get("apiKey")?.id ?? null,
    endpoint: f.endpoint,
    requestedModel: f.requestedModel,
    stream: f.stream,
    promptTokens: f.prompt.promptTokens,
    maxTokens: f.prompt.maxTokens,
    flags: JSON.stringify(f.plan.flags),
    candidates: JSON.stringify(f.plan.decision.candidates),
    chosen: f.chosen,
    fallbacksTried: JSON.stringify(f.attempts),
    status: f.status,
    httpStatus: f.httpStatus,
    endedCleanly: f.endedCleanly,
    error: f.error,
    upstreamLatencyMs: f.upstreamLatencyMs,
    totalLatencyMs: f.endedAt - c.get("startedAt"),
    tokensIn: f.tokensIn,
    tokensOut: f.tokensOut,
    routerVersion: f.plan.routerVersion,
    prompt: c.env.STORE_PROMPTS === "true" ? storedPrompt(f.prompt.text) : null,
  };
}

/** Most prompt characters a decision row keeps; the router's features read a prompt's tail, so the tail is kept. */
export const MAX_STORED_PROMPT_CHARS = 32_000;

// Pre-tokenised prompts have no text, and an empty prompt cannot become a training record: store null.
function storedPrompt(text: string): string | null {
  if (text === "") return null;
  if (text.length <= MAX_STORED_PROMPT_CHARS) return text;
  const tail = text.slice(-MAX_STORED_PROMPT_CHARS);
  // A cut through a surrogate pair would leave half a character: drop it.
  const first = tail.charCodeAt(0);
  return first >= 0xdc00 && first <= 0xdfff ? tail.slice(1) : tail;
}

/**
 * Writes the row once `row` resolves, after the response (batched); a failed write is logged, never thrown.
 * DECISION_LOG=off skips it (no rows, so no feedback either).
 */
export function logDecision(c: Context<AppEnv>, row: Promise<DecisionRow> | DecisionRow): void {
  if (c.env.DECISION_LOG === "off") return;
  const db = openDatabase(c.env.DB);
  const windowMs = Number(c.env.DECISION_BATCH_MS ?? DEFAULT_BATCH_WINDOW_MS);
  c.executionCtx.waitUntil(
    Promise.resolve(row)
      .then((r) => bufferDecision(db, r, windowMs))
      .catch((err: unknown) => logEvent("error", "decision row not written", { request_id: c.get("requestId"), error: errorText(err) })),
  );
}
