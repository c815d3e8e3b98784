/**
 * The router's added latency: one loopback OpenAI-compatible upstream called directly, through the edge
 * Worker in workerd (the bundle `wrangler deploy` uploads, local D1), and through `wrangler dev` (the same
 * Worker behind wrangler's local proxy, as `npm start` runs it) — interleaved in one run, order rotated.
 *
 *   npx tsx bench/edge-overhead.ts [--n 500] [--warmup 100] [--gap-ms 20]
 *
 * Each request goes through auth (hashed key), library load (cached), flag resolution, the Tryage decision,
 * the proxy, and a decision row written to D1 after the response. --gap-ms idles between rounds so those
 * background writes do not queue into the next round (latency at light load; --gap-ms 0 runs back to back).
 * Prints p50/p99 per path, the added p50/p99 over direct, and the p50 ratio. A benchmark: asserts nothing.
 */
import { parseArgs } from "node:util";
import { benchLibrary } from "../tests/e2e/support/bench-library.ts";
import { startEdge, type EdgeProcess } from "../tests/e2e/support/edge-process.ts";
import { startTestUpstream } from "../tests/e2e/support/openai-upstream.ts";
import { startWorkerdEdge } from "../tests/e2e/support/workerd-edge.ts";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "500" },
    warmup: { type: "string", default: "100" },
    "gap-ms": { type: "string", default: "20" },
  },
});
const N = Number(values.n);
const WARMUP = Number(values.warmup);
const GAP_MS = Number(values["gap-ms"]);

const upstream = await startTestUpstream({ name: "bench", streamChunks: 8 });
const edges: { name: string; edge: EdgeProcess; key: string }[] = [];
try {
  for (const [name, start] of [["workerd", startWorkerdEdge], ["wrangler dev", startEdge]] as const) {
    const edge = await start();
    const lib = benchLibrary(upstream.baseUrl);
    for (const u of lib.upstreams) await edge.admin("PUT", `/upstreams/${u.id}`, u);
    for (const m of lib.models) await edge.admin("PUT", `/models/${m.id}`, m);
    const { key } = (await edge.admin("POST", "/keys", { name: "bench" })) as { key: string };
    edges.push({ name, edge, key });
  }

  console.log(`edge overhead: ${N} requests per path and mode after ${WARMUP} warm-up, ${GAP_MS} ms between rounds`);
  console.log("(ms to the last byte; added = edge − direct at the same percentile)\n");
  console.log("| mode | path | p50 | p99 | added p50 | added p99 | p50 ratio |");
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const stream of [false, true]) {
    const body = (model: string) =>
      JSON.stringify({ model, stream, max_tokens: 16, messages: [{ role: "user", content: "Say hello in five words." }] });
    const paths = [
      { name: "direct", send: () => timed(`${upstream.baseUrl}/chat/completions`, body("bench-llama"), {}) },
      ...edges.map((e) => ({
        name: e.name,
        send: () => timed(`${e.edge.url}/v1/chat/completions`, body("auto"), { authorization: `Bearer ${e.key}` }),
      })),
    ];
    const samples = paths.map(() => [] as number[]);
    for (let i = 0; i < WARMUP + N; i++) {
      // Rotate the order so no path always runs first (or right after another's background write).
      for (let j = 0; j < paths.length; j++) {
        const k = (i + j) % paths.length;
        const ms = await (paths[k] as (typeof paths)[number]).send();
        if (i >= WARMUP) (samples[k] as number[]).push(ms);
      }
      if (GAP_MS > 0) await new Promise((r) => setTimeout(r, GAP_MS));
    }
    const [d50, d99] = [pct(samples[0] as number[], 50), pct(samples[0] as number[], 99)];
    paths.forEach((p, k) => {
      const [p50, p99] = [pct(samples[k] as number[], 50), pct(samples[k] as number[], 99)];
      const added = k === 0 ? "| – | – | – |" : `| ${f(p50 - d50)} | ${f(p99 - d99)} | ${(p50 / d50).toFixed(2)}× |`;
      console.log(`| ${stream ? "SSE" : "JSON"} | ${p.name} | ${f(p50)} | ${f(p99)} ${added}`);
    });
  }
} finally {
  for (const e of edges) await e.edge.stop();
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
  return ms.toFixed(2);
}
