/**
 * The client's SSE body once the edge has committed to an upstream: checked events are passed on as the
 * client reads (nothing is buffered ahead of it), under the attempt's idle and total budgets. If the
 * upstream breaks after that point — cut, silent, too slow, malformed, or ending without [DONE] — the
 * client gets one error event in the OpenAI error shape, then `data: [DONE]`, then the end: a stream that
 * ends honestly rather than one that merely stops.
 */
import { readWithin } from "./read-within.ts";
import type { Committed } from "./upstream-attempt.ts";
import { UpstreamFault } from "./upstream-fault.ts";
import type { Usage } from "./usage.ts";

/** How the client's stream ended. */
export interface StreamEnd {
  status: "ok" | "upstream_broken" | "client_disconnected";
  /** whether the client got the whole answer, through the upstream's own [DONE] */
  endedCleanly: boolean;
  /** what the client was told, or why it left */
  error: string | null;
  /** the upstream's fault, when it broke */
  fault: UpstreamFault | null;
  usage: Usage;
  /** performance.now() when it ended */
  endedAt: number;
}

const encoder = new TextEncoder();

/**
 * Wraps a committed SSE answer.
 * @param errorEvent the `data: {...}` payload (OpenAI error shape) telling the client the stream broke
 */
export function guardStream(
  answer: Extract<Committed, { kind: "sse" }>,
  errorEvent: (fault: UpstreamFault) => string,
): { body: ReadableStream<Uint8Array>; end: Promise<StreamEnd> } {
  const { scanner, reader, decoder, abort, timeouts, deadline } = answer;
  let finish: (e: Omit<StreamEnd, "usage" | "endedAt">) => void = () => {};
  const end = new Promise<StreamEnd>((resolve) => {
    finish = (e) => resolve({ ...e, usage: scanner.usage, endedAt: performance.now() });
  });
  const release = () => {
    abort.abort();
    reader.cancel().catch(() => {});
  };
  let head: string | null = answer.head;

  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          let out = head ?? "";
          head = null;
          while (out === "" && !scanner.done) {
            const { done, value } = await readWithin(reader, timeouts.idleMs, deadline, timeouts.totalMs);
            if (done) {
              out = scanner.feed(decoder.decode());
              if (!scanner.done) throw new UpstreamFault("cut", `the stream ended before [DONE], after ${scanner.events} events`);
              break;
            }
            out = scanner.feed(decoder.decode(value, { stream: true }));
          }
          if (out !== "") controller.enqueue(encoder.encode(out));
          if (scanner.done) {
            controller.close();
            release();
            finish({ status: "ok", endedCleanly: true, error: null, fault: null });
          }
        } catch (err) {
          const fault = err instanceof UpstreamFault ? err : new UpstreamFault("cut", String(err));
          controller.enqueue(encoder.encode(`data: ${errorEvent(fault)}\n\ndata: [DONE]\n\n`));
          controller.close();
          release();
          finish({ status: "upstream_broken", endedCleanly: false, error: fault.detail, fault });
        }
      },
      cancel() {
        release();
        finish({ status: "client_disconnected", endedCleanly: false, error: "the client closed the stream", fault: null });
      },
    },
    { highWaterMark: 0 },
  );
  return { body, end };
}
