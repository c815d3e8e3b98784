/** POST /v1/chat/completions and /v1/completions: route, then proxy to the chosen model's upstream. */
import { Hono, type Context } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../app-env.ts";
import { decisionRow, logDecision, type DecisionEndpoint, type DecisionFacts } from "../decision-log.ts";
import { EdgeError, errorBody } from "../edge-error.ts";
import { apiKeyAuth } from "../middleware/api-key-auth.ts";
import { ChatRequestSchema, CompletionRequestSchema } from "../openai-request.ts";
import { planRequest } from "../plan-request.ts";
import { chargeCompletion, takeAllowance } from "../rate-limit/key-allowance.ts";
import { parseJsonBody } from "../request-body.ts";
import { BreakerBoard } from "../upstream/breaker-board.ts";
import { guardStream } from "../upstream/guarded-stream.ts";
import { parseTimeoutsHeader, TIMEOUTS_HEADER } from "../upstream/timeouts.ts";
import { proxyRequest } from "../upstream/upstream-proxy.ts";
import { noUsage } from "../upstream/usage.ts";

/** Response headers naming the model that answered and the decision (= request) id. */
export const MODEL_HEADER = "x-switchyard-model";
export const DECISION_HEADER = "x-switchyard-decision";

/** The two generation endpoints, mounted under /v1. */
export function completionRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const auth = apiKeyAuth("infer");
  app.post("/chat/completions", auth, (c) => complete(c, "chat.completions", "/chat/completions", ChatRequestSchema));
  app.post("/completions", auth, (c) => complete(c, "completions", "/completions", CompletionRequestSchema));
  return app;
}

type Facts = Pick<DecisionFacts, "endpoint" | "requestedModel" | "stream" | "prompt" | "plan">;

async function complete(
  c: Context<AppEnv>,
  endpoint: DecisionEndpoint,
  path: string,
  schema: typeof ChatRequestSchema | typeof CompletionRequestSchema,
): Promise<Response> {
  const body: z.infer<typeof schema> = await parseJsonBody(c, schema);
  const override = parseTimeoutsHeader(c.req.header(TIMEOUTS_HEADER));
  const { prompt, plan } = await planRequest(c, body);
  const facts: Facts = { endpoint, requestedModel: body.model, stream: body.stream === true, prompt, plan };
  const refusal = await takeAllowance(c, prompt.promptTokens);
  if (refusal) {
    logDecision(c, decisionRow(c, { ...facts, ...unserved([]), status: "rate_limited", httpStatus: 429, error: refusal.message }));
    throw refusal;
  }
  // routing and models are the edge's own: an upstream such as OpenAI refuses fields it does not know.
  const { routing: _routing, models: _models, ...forward } = body;
  const breakers = await BreakerBoard.load(c);
  const outcome = await proxyRequest({
    targets: plan.targets,
    path,
    bodyFor: (t) => JSON.stringify({ ...forward, model: t.model.upstreamModel ?? t.model.id }),
    env: c.env,
    override,
    breakers,
  });

  if (!outcome.ok) {
    // The client learns how each attempt failed in general terms; which upstream, and the details, stay in the row.
    const tried = outcome.faults.map((f) => f.summary).join("; ");
    const retryAfterS = outcome.retryAfterMs === null ? null : Math.max(1, Math.ceil(outcome.retryAfterMs / 1000));
    const error = new EdgeError("upstream_unavailable", `no model could answer (${tried})`, null, retryAfterS);
    logDecision(c, decisionRow(c, { ...facts, ...unserved(outcome.attempts), error: error.message }));
    throw error;
  }

  const { answer, target, attempts } = outcome;
  const headers = new Headers({ [MODEL_HEADER]: target.model.id, [DECISION_HEADER]: c.get("requestId") });
  if (attempts.length > 0) headers.set("x-switchyard-fallbacks", String(attempts.length));
  const served = { chosen: target.model.id, attempts, upstreamLatencyMs: answer.upstreamLatencyMs };

  if (answer.kind === "json") {
    headers.set("content-type", answer.contentType);
    const failedUpstream = answer.status >= 400;
    if (!failedUpstream) chargeCompletion(c, completionTokens(answer.usage.tokensOut, prompt.maxTokens));
    logDecision(
      c,
      decisionRow(c, {
        ...facts,
        ...served,
        status: failedUpstream ? "upstream_error" : "ok",
        httpStatus: answer.status,
        endedCleanly: true,
        error: failedUpstream ? `upstream answered HTTP ${answer.status}` : null,
        tokensIn: answer.usage.tokensIn,
        tokensOut: answer.usage.tokensOut,
        endedAt: performance.now(),
      }),
    );
    return new Response(answer.text, { status: answer.status, headers });
  }

  headers.set("content-type", "text/event-stream; charset=utf-8");
  headers.set("cache-control", "no-cache");
  const requestId = c.get("requestId");
  const guarded = guardStream(answer, (fault) => {
    const message = `the answer broke off after it had started: ${fault.summary}`;
    return JSON.stringify(errorBody(new EdgeError("upstream_stream_broken", message), requestId));
  });
  logDecision(
    c,
    guarded.end.then((end) => {
      if (end.fault) breakers.failed(target.upstream.id, end.fault.detail, null);
      chargeCompletion(c, completionTokens(end.usage.tokensOut, prompt.maxTokens));
      return decisionRow(c, {
        ...facts,
        ...served,
        status: end.status,
        httpStatus: answer.status,
        endedCleanly: end.endedCleanly,
        error: end.error,
        tokensIn: end.usage.tokensIn,
        tokensOut: end.usage.tokensOut,
        endedAt: end.endedAt,
      });
    }),
  );
  return new Response(guarded.body, { status: answer.status, headers });
}

// An upstream that reports no usage is charged the most it may have produced: the request's max_tokens.
function completionTokens(reported: number | null, maxTokens: number): number {
  return reported ?? maxTokens;
}

function unserved(attempts: DecisionFacts["attempts"]) {
  const usage = noUsage();
  return {
    chosen: null,
    attempts,
    status: "upstream_unavailable" as const,
    httpStatus: 502,
    endedCleanly: true,
    upstreamLatencyMs: null,
    tokensIn: usage.tokensIn,
    tokensOut: usage.tokensOut,
    endedAt: performance.now(),
  };
}
