/**
 * The router's added latency: the same loopback OpenAI-compatible upstream called directly and through the
 * edge (`wrangler dev`: workerd + local D1, auth, routing decision, proxy, decision row), interleaved in one run.
 *
 *   npx tsx bench/edge-overhead.ts [--n 1000] [--warmup 200]
 *
 * Prints p50/p99 per path and mode (JSON and SSE, each timed to the last byte), the added p50/p99 and the
 * ratio. A benchmark, not a test: it asserts nothing about time.
 */
import { parseArgs } from "node:util";
import { startTestUpstream } from "../tests/e2e/support/openai-upstream.ts";
import { startEdge } from "../tests/e2e/support/edge-process.ts";
import { benchLibrary } from "../tests/e2e/support/bench-library.ts";

const { values } = parseArgs({
  options: { n: { type: "string", default: "1000" }, warmup: { type: "string", default: "200" } },
});
const N = Number(values.n);
const WARMUP = Number(values.warmup);

const upstream = await startTestUpstream({ name: "bench", streamChunks: 8 });
const edge = await startEdge();
try {
  for (const u of benchLibrary(upstream.baseUrl).upstreams) await edge.admin("PUT", `/upstreams/${u.id}`, u);
  for (const m of benchLibrary(upstream.baseUrl).models) await edge.admin("PUT", `/models/${m.id}`, m);
  const { key } = (await edge.admin("POST", "/keys", { name: "bench" })) as { key: string };

  const rows: string[] = [];
  for (const stream of [false, true]) {
    const body = (model: string) =>
      JSON.stringify({ model, stream, max_tokens: 16, messages: [{ role: "user", content: "Say hello in five words." }] });
    const direct = () => timed(`${upstream.baseUrl}/chat/completions`, body("bench-llama"), {});
    const routed = () => timed(`${edge.url}/v1/chat/completions`, body("auto"), { authorization: `Bearer ${key}` });
    for (let i = 0; i < WARMUP; i++) {
      await direct();
      await routed();
    }
    const d: number[] = [];
    const r: number[] = [];
    for (let i = 0; i < N; i++) {
      // Alternate which path goes first so neither always runs on a warmer connection.
      if (i % 2 === 0) {
        d.push(await direct());
        r.push(await routed());
      } else {
        r.push(await routed());
        d.push(await direct());
      }
    }
    const [d50, d99, r50, r99] = [pct(d, 50), pct(d, 99), pct(r, 50), pct(r, 99)];
    rows.push(
      `| ${stream ? "SSE" : "JSON"} | ${N} | ${f(d50)} | ${f(d99)} | ${f(r50)} | ${f(r99)} | ${f(r50 - d50)} | ${f(r99 - d99)} | ${(r50 / d50).toFixed(2)}× |`,
    );
  }
  console.log(`edge overhead (${N} requests per path and mode after ${WARMUP} warm-up; ms, to the last byte)\n`);
  console.log("| mode | n | direct p50 | direct p99 | edge p50 | edge p99 | added p50 | added p99 | p50 ratio |");
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const row of rows) console.log(row);
} finally {
  await edge.stop();
  await upstream.close();
}

async function timed(url: string, body: string, headers: Record<string, string>): Promise<number> {
  const start = performance.now();
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  await res.arrayBuffer();
  const ms = performance.now() - start;
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return ms;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
}

function f(ms: number): string {
  return ms.toFixed(3);
}
