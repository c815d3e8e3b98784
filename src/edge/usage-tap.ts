/**
 * Token usage as upstreams report it. A streamed (SSE) body is passed through chunk by chunk — pulled only
 * as the client reads, so nothing is buffered — while its `usage` chunk is noted; a JSON body is read whole
 * (the client cannot use half of it anyway) and its usage parsed.
 */

/** Token usage as the upstream reported it. */
export interface Usage {
  tokensIn: number | null;
  tokensOut: number | null;
}

/** How a streamed body ended: fully sent, or cut short (client gone or upstream broke mid-stream). */
export interface StreamOutcome {
  usage: Usage;
  completed: boolean;
  /** performance.now() when the body ended */
  endedAt: number;
}

/** The usage of an OpenAI JSON body (or one SSE data payload); nulls when it reports none. */
export function usageOf(json: string, into: Usage = { tokensIn: null, tokensOut: null }): Usage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return into;
  }
  if (typeof parsed !== "object" || parsed === null || !("usage" in parsed)) return into;
  const u = parsed.usage;
  if (typeof u !== "object" || u === null) return into;
  if ("prompt_tokens" in u && typeof u.prompt_tokens === "number") into.tokensIn = u.prompt_tokens;
  if ("completion_tokens" in u && typeof u.completion_tokens === "number") into.tokensOut = u.completion_tokens;
  return into;
}

/** Wraps an SSE body; `outcome` resolves when it has been sent in full, cancelled or broken. */
export function tapSseUsage(body: ReadableStream<Uint8Array>): {
  body: ReadableStream<Uint8Array>;
  outcome: Promise<StreamOutcome>;
} {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const usage: Usage = { tokensIn: null, tokensOut: null };
  let pending = "";
  let finish: (completed: boolean) => void = () => {};
  const outcome = new Promise<StreamOutcome>((resolve) => {
    finish = (completed) => resolve({ usage, completed, endedAt: performance.now() });
  });

  const scan = (text: string): void => {
    const lines = (pending + text).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (line.startsWith("data:") && line.includes('"usage"')) usageOf(line.slice(5), usage);
    }
  };

  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            scan(decoder.decode() + "\n");
            controller.close();
            finish(true);
            return;
          }
          controller.enqueue(value);
          scan(decoder.decode(value, { stream: true }));
        } catch (err) {
          controller.error(err);
          finish(false);
        }
      },
      cancel(reason) {
        finish(false);
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return { body: stream, outcome };
}
