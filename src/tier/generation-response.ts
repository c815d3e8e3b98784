import type { Context } from "hono";
import { type GenerationEvent, generate } from "../engine/generate.ts";
import type { ModelHost } from "../engine/model-host.ts";
import { createStopMatcher } from "../engine/stop-sequences.ts";
import type { AppEnv, TierDeps } from "./app-env.ts";
import type { ResponseIdentity, ResponseShape, Usage } from "./openai-shapes.ts";
import { TierError } from "./tier-error.ts";

/** One validated generation request, whatever endpoint it came through. */
export interface GenerationJob {
  host: ModelHost;
  promptIds: number[];
  maxTokens: number | null;
  temperature: number;
  topP: number | null;
  topK: number | null;
  seed: number | null;
  stop: string[];
  ignoreEos: boolean;
  stream: boolean;
  includeUsage: boolean;
}

/** Lets the event loop run between decode steps: other requests get admitted or refused, streamed bytes leave. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * The pause of a non-streamed generation: also ends it once the client has gone (a stream learns that from
 * its cancel instead), so nobody's CPU time is spent on an answer no one reads.
 */
async function pauseUnlessGone(signal: AbortSignal): Promise<void> {
  await yieldToEventLoop();
  signal.throwIfAborted();
}

/**
 * max_tokens for a job: the request's, else the tier default; refused (400, before any work) when prompt +
 * max_tokens exceed the context, or the KV-cache capacity for models with attention layers.
 */
function tokenBudget(job: GenerationJob, defaultMaxTokens: number, kvTokens: number): number {
  const context = job.host.card.contextLength;
  const left = context - job.promptIds.length;
  if (left <= 0) {
    throw new TierError("context_length_exceeded", `the prompt has ${job.promptIds.length} tokens; model '${job.host.id}' has a context of ${context}`, "messages");
  }
  if (job.maxTokens !== null && job.maxTokens > left) {
    throw new TierError("context_length_exceeded", `the prompt (${job.promptIds.length} tokens) plus max_tokens (${job.maxTokens}) exceed model '${job.host.id}''s context of ${context}`, "max_tokens");
  }
  const budget = job.maxTokens ?? Math.min(defaultMaxTokens, left);
  checkKvCapacity(job.host, job.promptIds.length + budget, kvTokens, job.maxTokens === null ? "messages" : "max_tokens");
  return budget;
}

/** Refuses a request whose tokens would overflow the KV cache of a model with attention layers (--kv-tokens). */
export function checkKvCapacity(host: ModelHost, tokens: number, kvTokens: number, param: string): void {
  if (host.card.attentionLayers > 0 && tokens > kvTokens) {
    throw new TierError(
      "context_length_exceeded",
      `the request needs ${tokens} tokens of KV cache; the tier holds ${kvTokens} per request for model '${host.id}' (--kv-tokens)`,
      param,
    );
  }
}

function usageOf(done: Extract<GenerationEvent, { type: "done" }>): Usage {
  return { prompt_tokens: done.promptTokens, completion_tokens: done.completionTokens, total_tokens: done.promptTokens + done.completionTokens };
}

const sse = (obj: object | string) => `data: ${typeof obj === "string" ? obj : JSON.stringify(obj)}\n\n`;

/**
 * Runs a job under the scheduler and answers in `shape`: one JSON body, or an SSE stream of chunks ending in
 * `data: [DONE]`. The slot is held until the last token (or the client leaves), and released exactly once.
 */
export async function respondWithGeneration(c: Context<AppEnv>, deps: TierDeps, job: GenerationJob, shape: ResponseShape): Promise<Response> {
  const maxTokens = tokenBudget(job, deps.defaultMaxTokens, deps.kvTokens);
  const slot = await deps.scheduler.acquire(job.host.id, c.req.raw.signal);
  let released = false;
  const finish = (usage: Usage | null) => {
    if (released) return;
    released = true;
    slot.release();
    if (usage) {
      deps.metrics.addTokens(job.host.id, "prompt", usage.prompt_tokens);
      deps.metrics.addTokens(job.host.id, "completion", usage.completion_tokens);
    }
  };
  const who: ResponseIdentity = { id: `${shape.idPrefix}${crypto.randomUUID()}`, created: Math.floor(Date.now() / 1000), model: job.host.id };
  let events: AsyncGenerator<GenerationEvent, void, undefined>;
  try {
    events = generate(job.host.model, job.host.tokenizer, job.promptIds, {
      maxTokens,
      sampling: { temperature: job.temperature, topP: job.topP ?? undefined, topK: job.topK ?? undefined, seed: job.seed ?? undefined },
      stop: createStopMatcher(job.stop),
      ignoreEos: job.ignoreEos,
      pause: job.stream ? yieldToEventLoop : () => pauseUnlessGone(c.req.raw.signal),
    });
  } catch (err) {
    finish(null);
    throw err;
  }

  if (!job.stream) {
    let text = "";
    try {
      for await (const ev of events) {
        if (ev.type === "text") text += ev.text;
        else {
          const usage = usageOf(ev);
          finish(usage);
          return c.json(shape.full(who, text, ev.finishReason, usage));
        }
      }
    } finally {
      finish(null);
    }
    throw new TierError("internal_error", "generation ended without a summary");
  }

  const encoder = new TextEncoder();
  const opening = shape.opening(who);
  let opened = opening === null;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!opened) {
          opened = true;
          if (opening) controller.enqueue(encoder.encode(sse(opening)));
          return;
        }
        const r = await events.next();
        if (cancelled) return;
        if (r.done) throw new TierError("internal_error", "generation ended without a summary");
        const ev = r.value;
        if (ev.type === "text") {
          controller.enqueue(encoder.encode(sse(shape.chunk(who, ev.text, null, null))));
          return;
        }
        const usage = usageOf(ev);
        finish(usage);
        let tail = sse(shape.chunk(who, null, ev.finishReason, usage));
        if (job.includeUsage) tail += sse(shape.usageChunk(who, usage));
        controller.enqueue(encoder.encode(tail + sse("[DONE]")));
        controller.close();
      } catch (err) {
        finish(null);
        if (cancelled) return;
        // Headers are gone: report in-band, as OpenAI does, then end the stream. Internals stay in the log.
        if (!(err instanceof TierError)) console.error(`[tier] ${c.get("requestId")} stream failed:`, err);
        const e = err instanceof TierError ? err : new TierError("internal_error", "internal error");
        controller.enqueue(encoder.encode(sse(e.toBody(c.get("requestId"))) + sse("[DONE]")));
        controller.close();
      }
    },
    async cancel() {
      cancelled = true;
      finish(null);
      await events.return();
    },
  });
  return new Response(body, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" },
  });
}
