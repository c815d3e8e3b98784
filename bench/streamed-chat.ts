/**
 * One streaming chat request as a bench client sees it, shared by the edge benches (edge-load, edge-soak,
 * edge-memory): the same body, the same notion of a clean answer, the same percentile.
 */

/** One request's outcome as the client saw it. */
export interface Outcome {
  /** time to the last byte */
  ms: number;
  /** a 200 SSE stream that ends in `data: [DONE]` with no error event */
  ok: boolean;
  /** how many candidates failed first (x-switchyard-fallbacks) */
  fallbacks: number;
  model: string | null;
}

/** A streaming chat completion asking for `model` (16 tokens, one short user message). */
export function chatBody(model: string): string {
  return JSON.stringify({ model, stream: true, max_tokens: 16, messages: [{ role: "user", content: "Say hello in five words." }] });
}

/** POSTs `payload` to `url`, reads the whole answer and says whether it was a clean stream; never throws. */
export async function streamChat(url: string, payload: string, headers: Record<string, string>, timeoutMs = 30_000): Promise<Outcome> {
  const start = performance.now();
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: payload,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    const ms = performance.now() - start;
    const clean = res.status === 200 && text.trimEnd().endsWith("data: [DONE]") && !text.includes('"error":');
    const fallbacks = Number(res.headers.get("x-switchyard-fallbacks") ?? 0);
    return { ms, ok: clean, fallbacks, model: res.headers.get("x-switchyard-model") };
  } catch {
    return { ms: performance.now() - start, ok: false, fallbacks: 0, model: null };
  }
}

/** The p-th percentile (nearest rank) of the outcomes' times; NaN for none. */
export function percentile(xs: readonly Outcome[], p: number): number {
  const s = xs.map((o) => o.ms).sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}
