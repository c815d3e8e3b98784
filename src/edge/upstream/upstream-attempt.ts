/**
 * One attempt at one upstream, up to the point where the edge can commit to it: the response headers, then
 * either the whole JSON body (checked) or the first whole SSE event (checked). Anything that fails before
 * that point is an UpstreamFault and the proxy may try elsewhere, since the client has seen nothing yet.
 */
import { UPSTREAM_SECRET_PATTERN } from "../../db/records.ts";
import type { Bindings } from "../app-env.ts";
import type { Target } from "../routing-plan.ts";
import { parseRetryAfter } from "../../routing/retry-schedule.ts";
import { readWithin } from "./read-within.ts";
import { SseScanner } from "./sse-scanner.ts";
import type { Timeouts } from "./timeouts.ts";
import { UpstreamFault } from "./upstream-fault.ts";
import { noUsage, readUsage, type Usage } from "./usage.ts";

/** Largest JSON answer the edge reads from an upstream. */
export const MAX_UPSTREAM_JSON_BYTES = 16 * 1024 * 1024;

/** An attempt the edge can answer with. */
export type Committed =
  | {
      kind: "json";
      status: number;
      contentType: string;
      /** the body as the client gets it (checked; the upstream's secret blanked out) */
      text: string;
      usage: Usage;
      upstreamLatencyMs: number;
    }
  | {
      kind: "sse";
      status: number;
      /** the checked events read so far, to send first */
      head: string;
      scanner: SseScanner;
      reader: ReadableStreamDefaultReader<Uint8Array>;
      decoder: TextDecoder;
      abort: AbortController;
      timeouts: Timeouts;
      /** ms since the epoch */
      deadline: number;
      upstreamLatencyMs: number;
    };

/** The attempt's answer, or why it failed. */
export type AttemptResult = Committed | { kind: "failed"; fault: UpstreamFault };

/** Sends `body` to `target` and reads until the edge can commit (or must give up). */
export async function attemptUpstream(
  target: Target,
  path: string,
  body: string,
  env: Bindings,
  timeouts: Timeouts,
): Promise<AttemptResult> {
  const { upstream } = target;
  const headers = new Headers({ "content-type": "application/json" });
  let secret: string | null = null;
  if (upstream.secretName !== null) {
    const value = UPSTREAM_SECRET_PATTERN.test(upstream.secretName) ? env[upstream.secretName] : undefined;
    if (typeof value !== "string" || value === "") {
      return failed("secret", `secret ${upstream.secretName} is not set, or is not an UPSTREAM_* name`);
    }
    secret = value;
    headers.set("authorization", `Bearer ${value}`);
  }
  const started = Date.now();
  const deadline = started + timeouts.totalMs;
  const abort = new AbortController();
  const headersBudget = Math.min(timeouts.headersMs, timeouts.totalMs);
  const timer = setTimeout(() => abort.abort(), headersBudget);
  let response: Response;
  try {
    response = await fetch(`${upstream.baseUrl.replace(/\/+$/, "")}${path}`, {
      method: "POST",
      headers,
      body,
      signal: abort.signal,
      redirect: "manual",
    });
  } catch (err) {
    return abort.signal.aborted
      ? failed("headers_timeout", `no response within ${headersBudget} ms`)
      : failed("connect", `connection failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    clearTimeout(timer);
  }
  const upstreamLatencyMs = Date.now() - started;
  const { status } = response;
  const retryAfter = response.headers.get("retry-after");
  const retryAfterMs = parseRetryAfter(retryAfter, Date.now());
  const note = retryAfter === null ? "" : ` (retry-after ${retryAfter.slice(0, 40)})`;
  const refuse = async (kind: "http" | "busy" | "credentials", detail: string) => {
    await response.body?.cancel().catch(() => {});
    return failed(kind, detail, retryAfterMs);
  };
  if (status === 429) return refuse("busy", `HTTP 429${note}`);
  if (status === 401 || status === 403) return refuse("credentials", `HTTP ${status}: the upstream refused the edge's key`);
  if (status >= 500 || (status >= 300 && status < 400) || status < 200) return refuse("http", `HTTP ${status}${note}`);

  const contentType = response.headers.get("content-type") ?? "";
  const reader = (response.body ?? new ReadableStream<Uint8Array>()).getReader();
  const decoder = new TextDecoder();
  const giveUp = async (fault: UpstreamFault) => {
    abort.abort();
    await reader.cancel().catch(() => {});
    return { kind: "failed" as const, fault };
  };
  try {
    if (status < 300 && contentType.startsWith("text/event-stream")) {
      const scanner = new SseScanner(secret);
      let head = "";
      while (scanner.events === 0) {
        const { done, value } = await readWithin(reader, timeouts.idleMs, deadline, timeouts.totalMs);
        if (done) throw new UpstreamFault("cut", "the stream ended before its first event");
        head += scanner.feed(decoder.decode(value, { stream: true }));
      }
      return { kind: "sse", status, head, scanner, reader, decoder, abort, timeouts, deadline, upstreamLatencyMs };
    }
    const text = blankOut(await readJson(reader, decoder, timeouts, deadline), secret);
    return { kind: "json", status, contentType: "application/json", ...checkedJson(status, text), upstreamLatencyMs };
  } catch (err) {
    if (err instanceof UpstreamFault) return giveUp(err);
    throw err;
  }
}

function failed(kind: UpstreamFault["kind"], detail: string, retryAfterMs: number | null = null): AttemptResult {
  return { kind: "failed", fault: new UpstreamFault(kind, detail, retryAfterMs) };
}

async function readJson(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  decoder: TextDecoder,
  timeouts: Timeouts,
  deadline: number,
): Promise<string> {
  let text = "";
  let bytes = 0;
  for (;;) {
    const { done, value } = await readWithin(reader, timeouts.idleMs, deadline, timeouts.totalMs);
    if (done) return text + decoder.decode();
    bytes += value.byteLength;
    if (bytes > MAX_UPSTREAM_JSON_BYTES) throw new UpstreamFault("invalid_body", `answer larger than ${MAX_UPSTREAM_JSON_BYTES} bytes`);
    text += decoder.decode(value, { stream: true });
  }
}

/**
 * A 2xx must be a JSON object; a passed-through 4xx that is not one is replaced by an error in the OpenAI
 * shape, so the client always gets that shape.
 */
function checkedJson(status: number, text: string): { text: string; usage: Usage } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const isObject = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
  if (status < 300) {
    if (!isObject) throw new UpstreamFault("invalid_body", "the answer is not a JSON object");
    return { text, usage: readUsage(parsed, noUsage()) };
  }
  if (isObject && "error" in (parsed as object)) return { text, usage: noUsage() };
  const error = { message: `the model's server rejected the request (HTTP ${status})`, type: "invalid_request_error", param: null, code: "upstream_rejected" };
  return { text: JSON.stringify({ error }), usage: noUsage() };
}

function blankOut(text: string, secret: string | null): string {
  return secret !== null && text.includes(secret) ? text.replaceAll(secret, "[redacted]") : text;
}
