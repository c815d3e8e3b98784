/**
 * The router's added latency: one loopback OpenAI-compatible upstream called directly, through the edge
 * Worker in workerd (the bundle `wrangler deploy` uploads, local D1), and through `wrangler dev` (the same
 * Worker behind wrangler's local proxy, as `npm start` runs it). Each edge is measured interleaved with
 * direct calls, order alternating, one edge at a time, all in one run.
 *
 *   npx tsx bench/edge-overhead.ts [--n 500] [--warmup 100] [--gap-ms 0]
 *
 * Each request goes through auth (hashed key), library load (cached), flag resolution, the Tryage decision,
 * the proxy, and a decision row written to D1 after the response (batched). --gap-ms idles between rounds
 * (default 0: back to back).
 * Prints p50/p99 per path, the added p50/p99 over direct, the p50 ratio, the edge's floor (GET /healthz
 * through the same path) and, in workerd, a bare proxy Worker (forwarding only) measured alongside, so the
 * router's own share is edge − bare proxy. A benchmark: asserts nothing.
 */
import { parseArgs } from "node:util";
import { Miniflare } from "miniflare";
import { benchLibrary } from "../tests/e2e/support/bench-library.ts";
import { startEdge, type EdgeProcess } from "../tests/e2e/support/edge-process.ts";
import { startTestUpstream } from "../tests/e2e/support/openai-upstream.ts";
import { startWorkerdEdge } from "../tests/e2e/support/workerd-edge.ts";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "500" },
    warmup: { type: "string", default: "100" },
    "gap-ms": { type: "string", default: "0" },
  },
});
const N = Number(values.n);
const WARMUP = Number(values.warmup);
const GAP_MS = Number(values["gap-ms"]);

const upstream = await startTestUpstream({ name: "bench", streamChunks: 8 });
const targets = [
  { name: "workerd", start: () => startWorkerdEdge() },
  // The same, writing no decision rows: how much of the edge's cost is local D1 (on the Worker's thread here).
  { name: "workerd, DECISION_LOG=off", start: () => startWorkerdEdge({ DECISION_LOG: "off" }) },
  { name: "wrangler dev", start: () => startEdge() },
];
console.log(`edge overhead: ${N} requests per path and mode after ${WARMUP} warm-up, ${GAP_MS} ms between rounds`);
console.log("(ms to the last byte; added = edge − direct at the same percentile, direct measured alongside)\n");
console.log(
  "| mode | edge | direct p50 | direct p99 | edge p50 | edge p99 | added p50 | added p99 | p50 ratio | floor p50 | bare proxy p50 |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
try {
  // One edge at a time, so one edge's background work never lands on the other's timings.
  for (const target of targets) {
    const edge = await target.start();
    const bare = target.name.startsWith("workerd") ? await startBareProxy(upstream.baseUrl) : null;
    try {
      const key = await seed(edge);
      for (const stream of [false, true]) {
        const [direct, routed, floor, proxied] = await measure(edge, key, stream, bare);
        const [d50, d99, r50, r99] = [pct(direct, 50), pct(direct, 99), pct(routed, 50), pct(routed, 99)];
        console.log(
          `| ${stream ? "SSE" : "JSON"} | ${target.name} | ${f(d50)} | ${f(d99)} | ${f(r50)} | ${f(r99)} | ` +
            `${f(r50 - d50)} | ${f(r99 - d99)} | ${(r50 / d50).toFixed(2)}× | ${f(pct(floor, 50))} | ` +
            `${proxied.length > 0 ? f(pct(proxied, 50)) : "–"} |`,
        );
      }
    } finally {
      await edge.stop();
      await bare?.dispose();
    }
  }
} finally {
  await upstream.close();
}

/** Puts the bench library on the edge and returns an API key. */
async function seed(edge: EdgeProcess): Promise<string> {
  const lib = benchLibrary(upstream.baseUrl);
  for (const u of lib.upstreams) await edge.admin("PUT", `/upstreams/${u.id}`, u);
  for (const m of lib.models) await edge.admin("PUT", `/models/${m.id}`, m);
  const { key } = (await edge.admin("POST", "/keys", { name: "bench" })) as { key: string };
  return key;
}

/**
 * A Worker that only forwards the request to the upstream, in workerd like the edge: the cost of any proxy
 * Worker, so edge − bare proxy is what auth, routing and the decision row add.
 */
async function startBareProxy(upstreamBase: string): Promise<Miniflare & { url: string }> {
  const mf = new Miniflare({
    modules: true,
    script: `export default { fetch: (req, env) => fetch(env.UPSTREAM + "/chat/completions",
      { method: "POST", headers: { "content-type": "application/json" }, body: req.body }) };`,
    compatibilityDate: "2026-04-26",
    bindings: { UPSTREAM: upstreamBase },
    host: "127.0.0.1",
    port: 0,
  });
  return Object.assign(mf, { url: (await mf.ready).origin });
}

/**
 * Direct and routed timings, interleaved with the order alternating, plus the edge's floor (GET /healthz, a
 * request the Worker answers without auth, D1 or upstream) and, when given, the bare proxy's timings.
 */
async function measure(
  edge: EdgeProcess,
  key: string,
  stream: boolean,
  bare: { url: string } | null,
): Promise<[number[], number[], number[], number[]]> {
  const body = (model: string) =>
    JSON.stringify({ model, stream, max_tokens: 16, messages: [{ role: "user", content: "Say hello in five words." }] });
  const direct = () => timed(`${upstream.baseUrl}/chat/completions`, body("bench-llama"), {});
  const routed = () => timed(`${edge.url}/v1/chat/completions`, body("auto"), { authorization: `Bearer ${key}` });
  const floor = () => timed(`${edge.url}/healthz`, null, {});
  const proxy = () => (bare ? timed(bare.url, body("bench-llama"), {}) : Promise.resolve(Number.NaN));
  const d: number[] = [];
  const r: number[] = [];
  const h: number[] = [];
  const p: number[] = [];
  for (let i = 0; i < WARMUP + N; i++) {
    const first = i % 2 === 0 ? direct : routed;
    const a = await first();
    const b = await (first === direct ? routed : direct)();
    const c = await floor();
    const e = await proxy();
    if (i >= WARMUP) {
      d.push(first === direct ? a : b);
      r.push(first === direct ? b : a);
      h.push(c);
      if (bare) p.push(e);
    }
    if (GAP_MS > 0) await new Promise((resolve) => setTimeout(resolve, GAP_MS));
  }
  return [d, r, h, p];
}

async function timed(url: string, body: string | null, headers: Record<string, string>): Promise<number> {
  const start = performance.now();
  const res = await fetch(url, {
    method: body === null ? "GET" : "POST",
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
