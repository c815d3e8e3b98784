/**
 * Passes an upstream body through chunk by chunk (pulled only as the client reads: no buffering) while
 * noting the token usage it reports, so the decision row can record tokens in/out once the body ends.
 */

/** Token usage as the upstream reported it. */
export interface Usage {
  tokensIn: number | null;
  tokensOut: number | null;
}

/** How the body ended: fully sent, or cut short (client gone or upstream broke mid-stream). */
export interface BodyOutcome {
  usage: Usage;
  completed: boolean;
  /** performance.now() when the body ended */
  endedAt: number;
}

// A non-streamed JSON body is kept for its usage up to this size; past it, usage is not recorded.
const MAX_JSON_BYTES = 1 << 20;

/** Wraps `body`; `outcome` resolves when it has been sent in full, cancelled or broken. */
export function tapUsage(
  body: ReadableStream<Uint8Array>,
  sse: boolean,
): { body: ReadableStream<Uint8Array>; outcome: Promise<BodyOutcome> } {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const usage: Usage = { tokensIn: null, tokensOut: null };
  let pending = "";
  let finish: (completed: boolean) => void = () => {};
  const outcome = new Promise<BodyOutcome>((resolve) => {
    finish = (completed) => resolve({ usage, completed, endedAt: performance.now() });
  });

  const scan = (chunk: Uint8Array, last: boolean): void => {
    if (!sse && pending.length > MAX_JSON_BYTES) return;
    pending += last ? decoder.decode() : decoder.decode(chunk, { stream: true });
    if (!sse) {
      if (last) readUsage(pending, usage);
      return;
    }
    const lines = pending.split("\n");
    pending = last ? "" : (lines.pop() ?? "");
    for (const line of lines) {
      if (line.startsWith("data:") && line.includes('"usage"')) readUsage(line.slice(5), usage);
    }
  };

  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            scan(new Uint8Array(), true);
            controller.close();
            finish(true);
            return;
          }
          controller.enqueue(value);
          scan(value, false);
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

function readUsage(json: string, into: Usage): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return;
  }
  if (typeof parsed !== "object" || parsed === null || !("usage" in parsed)) return;
  const u = parsed.usage;
  if (typeof u !== "object" || u === null) return;
  if ("prompt_tokens" in u && typeof u.prompt_tokens === "number") into.tokensIn = u.prompt_tokens;
  if ("completion_tokens" in u && typeof u.completion_tokens === "number") into.tokensOut = u.completion_tokens;
}
