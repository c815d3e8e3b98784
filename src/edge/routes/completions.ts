/** POST /v1/chat/completions and /v1/completions: route, then proxy to the chosen model's upstream. */
import { Hono, type Context } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../app-env.ts";
import { decisionRow, logDecision, type DecisionEndpoint, type DecisionFacts } from "../decision-log.ts";
import { EdgeError } from "../edge-error.ts";
import { apiKeyAuth } from "../middleware/api-key-auth.ts";
import { ChatRequestSchema, CompletionRequestSchema } from "../openai-request.ts";
import { planRequest } from "../plan-request.ts";
import { parseJsonBody } from "../request-body.ts";
import { sendToFirstAvailable } from "../upstream-proxy.ts";
import { tapSseUsage, usageOf, type Usage } from "../usage-tap.ts";

/** Response headers naming the model that answered and the decision (= request) id. */
export const MODEL_HEADER = "x-switchyard-model";
export const DECISION_HEADER = "x-switchyard-decision";

/** The two generation endpoints, mounted under /v1. */
export function completionRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const auth = apiKeyAuth("completions");
  app.post("/chat/completions", auth, (c) => complete(c, "chat.completions", "/chat/completions", ChatRequestSchema));
  app.post("/completions", auth, (c) => complete(c, "completions", "/completions", CompletionRequestSchema));
  return app;
}

async function complete(
  c: Context<AppEnv>,
  endpoint: DecisionEndpoint,
  path: string,
  schema: typeof ChatRequestSchema | typeof CompletionRequestSchema,
): Promise<Response> {
  const body: z.infer<typeof schema> = await parseJsonBody(c, schema);
  const { prompt, plan } = await planRequest(c, body);
  const { routing: _routing, ...forward } = body;
  const outcome = await sendToFirstAvailable(
    plan.targets,
    path,
    (t) => JSON.stringify({ ...forward, model: t.model.upstreamModel ?? t.model.id }),
    c.env,
  );
  const stream = body.stream === true;
  const facts = { endpoint, requestedModel: body.model, stream, prompt, plan };

  if (!outcome.ok) {
    logDecision(c, decisionRow(c, failed(facts, outcome.attempts)));
    const tried = outcome.attempts.map((a) => `${a.model} via ${a.upstream}: ${a.error}`).join("; ");
    throw new EdgeError("upstream_unavailable", `no upstream answered (${tried})`);
  }

  const { response, target, attempts } = outcome;
  const contentType = response.headers.get("content-type") ?? "application/json";
  const headers = new Headers({ "content-type": contentType });
  if (contentType.startsWith("text/event-stream")) headers.set("cache-control", "no-cache");
  headers.set(MODEL_HEADER, target.model.id);
  headers.set(DECISION_HEADER, c.get("requestId"));
  if (attempts.length > 0) headers.set("x-switchyard-fallbacks", String(attempts.length));

  const row = (endedAt: number, usage: Usage, completed: boolean) =>
    decisionRow(c, served(facts, outcome, response.status, endedAt, usage, completed));

  if (response.body && contentType.startsWith("text/event-stream")) {
    const tap = tapSseUsage(response.body);
    logDecision(c, tap.outcome.then((o) => row(o.endedAt, o.usage, o.completed)));
    return new Response(tap.body, { status: response.status, headers });
  }
  const bytes = await response.arrayBuffer().catch((err: unknown) => {
    logDecision(c, row(performance.now(), { tokensIn: null, tokensOut: null }, false));
    throw new EdgeError("upstream_unavailable", `${target.model.id} broke off mid-answer: ${String(err)}`);
  });
  logDecision(c, row(performance.now(), usageOf(new TextDecoder().decode(bytes)), true));
  return new Response(bytes, { status: response.status, headers });
}

type Facts = Pick<DecisionFacts, "endpoint" | "requestedModel" | "stream" | "prompt" | "plan">;

function failed(facts: Facts, attempts: DecisionFacts["attempts"]): DecisionFacts {
  return {
    ...facts,
    chosen: null,
    attempts,
    status: "upstream_unavailable",
    httpStatus: 502,
    upstreamLatencyMs: null,
    tokensIn: null,
    tokensOut: null,
    endedAt: performance.now(),
  };
}

function served(
  facts: Facts,
  outcome: { target: { model: { id: string } }; attempts: DecisionFacts["attempts"]; upstreamLatencyMs: number },
  httpStatus: number,
  endedAt: number,
  usage: Usage,
  completed: boolean,
): DecisionFacts {
  return {
    ...facts,
    chosen: outcome.target.model.id,
    attempts: outcome.attempts,
    status: !completed ? "incomplete" : httpStatus >= 400 ? "upstream_error" : "ok",
    httpStatus,
    upstreamLatencyMs: outcome.upstreamLatencyMs,
    tokensIn: usage.tokensIn,
    tokensOut: usage.tokensOut,
    endedAt,
  };
}
