/**
 * Sends a request to the first candidate that answers: a connection error, a timeout before the response
 * headers, a 5xx, a 429 (the tier's queue_full: that model is busy, another may not be) or a missing secret
 * moves on to the next one. Once a response has headers it is final — any other 4xx is the client's to
 * see, and a body that breaks mid-stream cannot be retried.
 */
import type { Bindings } from "./app-env.ts";
import type { Target } from "./routing-plan.ts";

/** One failed attempt, as recorded in decisions.fallbacks_tried. */
export interface Attempt {
  model: string;
  upstream: string;
  error: string;
}

/** The answering upstream's response, or every attempt's failure. */
export type ProxyOutcome =
  | { ok: true; response: Response; target: Target; attempts: Attempt[]; upstreamLatencyMs: number }
  | { ok: false; attempts: Attempt[] };

/**
 * Tries `targets` in order.
 * @param path the OpenAI path under the upstream's base URL, e.g. "/chat/completions"
 * @param bodyFor the JSON body for one target (its upstream model name filled in)
 */
export async function sendToFirstAvailable(
  targets: Target[],
  path: string,
  bodyFor: (t: Target) => string,
  env: Bindings,
): Promise<ProxyOutcome> {
  const attempts: Attempt[] = [];
  for (const target of targets) {
    const { model, upstream } = target;
    const fail = (error: string) => attempts.push({ model: model.id, upstream: upstream.id, error });
    const headers = new Headers({ "content-type": "application/json" });
    if (upstream.secretName !== null) {
      const secret = env[upstream.secretName];
      if (typeof secret !== "string" || secret === "") {
        fail(`secret ${upstream.secretName} is not set`);
        continue;
      }
      headers.set("authorization", `Bearer ${secret}`);
    }
    const started = performance.now();
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), upstream.timeoutMs);
    try {
      const response = await fetch(`${upstream.baseUrl.replace(/\/+$/, "")}${path}`, {
        method: "POST",
        headers,
        body: bodyFor(target),
        signal: abort.signal,
      });
      const upstreamLatencyMs = performance.now() - started;
      if (response.status >= 500 || response.status === 429) {
        const retryAfter = response.headers.get("retry-after");
        await response.body?.cancel();
        fail(retryAfter === null ? `HTTP ${response.status}` : `HTTP ${response.status} (retry-after ${retryAfter})`);
        continue;
      }
      return { ok: true, response, target, attempts, upstreamLatencyMs };
    } catch (err) {
      fail(abort.signal.aborted ? `no response within ${upstream.timeoutMs} ms` : connectionError(err));
    } finally {
      clearTimeout(timer);
    }
  }
  return { ok: false, attempts };
}

function connectionError(err: unknown): string {
  return `connection failed: ${err instanceof Error ? err.message : String(err)}`;
}
