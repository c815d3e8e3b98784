/**
 * The edge under load, on loopback, in workerd as Miniflare runs it (the bundle `wrangler deploy` uploads, local
 * D1), not behind wrangler dev's proxy (which itself drops requests under this load: issue 9).
 *
 *   npx tsx bench/edge-load.ts [--concurrency 200] [--rounds 3] [--max-s 300] [--write docs/benchmarks.md]
 *
 * Two scenarios, each `rounds` bursts of `concurrency` streaming chat requests sent at once:
 *   healthy   every model on one healthy upstream;
 *   flaky     the first-ranked model's upstream answers 503 to every other request, the others are healthy,
 *             so every request must still succeed through fallback (and the circuit breaker).
 * Each routed burst is paired with a burst of the same size sent straight to the healthy upstream, order
 * alternating, so added latency = routed − direct at the same percentile (time to the last byte). A client
 * error is any answer that is not a 200 SSE stream ending in `[DONE]` without an error event. Peak memory is
 * workerd's RSS, sampled every 50 ms. Bounded: at most rounds × concurrency × 2 requests per scenario, each
 * aborted after 30 s, and no new burst once --max-s has passed. A benchmark: it asserts nothing.
 */
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { startTestUpstream, type TestUpstream } from "../tests/e2e/support/openai-upstream.ts";
import { startWorkerdEdge } from "../tests/e2e/support/workerd-edge.ts";
import { createKey, seedBenchLibrary } from "./edge-bench-setup.ts";
import { writeSection } from "./markdown-section.ts";
import { descendantRss, samplePeakRss } from "./process-memory.ts";
import { chatBody, percentile as pct, streamChat, type Outcome } from "./streamed-chat.ts";

const { values } = parseArgs({
  options: {
    concurrency: { type: "string", default: "200" },
    rounds: { type: "string", default: "3" },
    "max-s": { type: "string", default: "300" },
    write: { type: "string" },
  },
});
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Number(values.rounds);
const DEADLINE = Date.now() + Number(values["max-s"]) * 1000;
const MB = 1024 * 1024;

interface ScenarioResult {
  name: string;
  direct: Outcome[];
  routed: Outcome[];
  baselineRss: number;
  peakRss: number;
  /** requests the failing upstream got in the measured bursts, and how many of them it answered 503 */
  flaky: { hits: number; failed: number } | null;
}

const healthy = await startTestUpstream({ name: "healthy", streamChunks: 8 });
const flaky = await startTestUpstream({ name: "flaky", streamChunks: 8, failWith: 503, failEvery: 2 });
const edge = await startWorkerdEdge();
const results: ScenarioResult[] = [];
try {
  const key = await createKey(edge, "load");
  const upstreams = { healthy: healthy.baseUrl, flaky: flaky.baseUrl };
  results.push(await scenario("healthy: 1 upstream", key, () => seedBenchLibrary(edge, upstreams)));
  results.push(await scenario("flaky: first choice fails every other request, healthy fallback", key, () => seedBenchLibrary(edge, upstreams, { "bench-llama": "flaky" }), flaky));
} finally {
  await edge.stop();
  await Promise.all([healthy.close(), flaky.close()]);
}

const report = table(results);
const command = `npx tsx bench/edge-load.ts --concurrency ${CONCURRENCY} --rounds ${ROUNDS} --max-s ${values["max-s"]}`;
console.log(`\n${report}\n\nCommand: ${command}`);
if (values.write) {
  const cpu = `${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores)`;
  writeSection(
    values.write,
    "edge-load",
    [
      "## Edge under load",
      "",
      `Measured ${new Date().toISOString().slice(0, 10)} on ${cpu}, Node ${process.versions.node}: the edge Worker in workerd`,
      "as Miniflare runs it (the `wrangler deploy` bundle, local D1, decision rows on), loopback upstreams.",
      "",
      "```sh",
      command,
      "```",
      "",
      `${ROUNDS} bursts of ${CONCURRENCY} concurrent streaming chat requests per scenario, each paired with a burst of`,
      "the same size sent straight to the healthy upstream (order alternating); added = routed − direct at the same",
      "percentile, time to the last byte. A client error is any answer other than a 200 SSE stream that ends in",
      "`[DONE]` with no error event. Peak RSS is workerd's, sampled every 50 ms (idle: after start-up and seeding).",
      "",
      report,
    ].join("\n"),
  );
}

async function scenario(name: string, key: string, setup: () => Promise<void>, failing?: TestUpstream): Promise<ScenarioResult> {
  await setup();
  // Warm-up (not counted): the isolate, the library cache, D1.
  await burst(() => routed(key), 20);
  const baselineRss = descendantRss("workerd");
  const hitsBefore = failing?.received.length ?? 0;
  const sampler = samplePeakRss("workerd");
  const direct: Outcome[] = [];
  const viaEdge: Outcome[] = [];
  for (let r = 0; r < ROUNDS && Date.now() < DEADLINE; r++) {
    const pair = [() => burst(straight, CONCURRENCY), () => burst(() => routed(key), CONCURRENCY)] as const;
    const [first, second] = r % 2 === 0 ? pair : [pair[1], pair[0]];
    const a = await first();
    const b = await second();
    direct.push(...(r % 2 === 0 ? a : b));
    viaEdge.push(...(r % 2 === 0 ? b : a));
    console.error(`${name}: round ${r + 1}/${ROUNDS} done`);
  }
  const peakRss = sampler.stop();
  // The failing upstream answers 503 to its every other request (failEvery 2): the even-numbered ones.
  const hitsAfter = failing?.received.length ?? 0;
  const flakyCounts = failing ? { hits: hitsAfter - hitsBefore, failed: Math.floor(hitsAfter / 2) - Math.floor(hitsBefore / 2) } : null;
  return { name, direct, routed: viaEdge, baselineRss, peakRss, flaky: flakyCounts };
}

function burst(send: () => Promise<Outcome>, n: number): Promise<Outcome[]> {
  return Promise.all(Array.from({ length: n }, send));
}

function straight(): Promise<Outcome> {
  return streamChat(`${healthy.baseUrl}/chat/completions`, chatBody("bench-llama"), {});
}

function routed(key: string): Promise<Outcome> {
  return streamChat(`${edge.url}/v1/chat/completions`, chatBody("auto"), { authorization: `Bearer ${key}` });
}

function table(rs: ScenarioResult[]): string {
  const lines = [
    "| scenario | requests | client errors | direct p50 | direct p99 | routed p50 | routed p99 | added p50 | added p99 | fell back | sent to the failing upstream | workerd RSS idle → peak |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const r of rs) {
    const [d50, d99, r50, r99] = [pct(r.direct, 50), pct(r.direct, 99), pct(r.routed, 50), pct(r.routed, 99)];
    const errors = r.routed.filter((o) => !o.ok).length;
    const fellBack = r.routed.filter((o) => o.fallbacks > 0).length;
    lines.push(
      `| ${r.name} | ${r.routed.length} | ${errors} | ${f(d50)} | ${f(d99)} | ${f(r50)} | ${f(r99)} | ${f(r50 - d50)} | ${f(r99 - d99)} | ` +
        `${fellBack} | ${r.flaky === null ? "–" : `${r.flaky.hits} (${r.flaky.failed} answered 503)`} | ${(r.baselineRss / MB).toFixed(0)} → ${(r.peakRss / MB).toFixed(0)} MB |`,
    );
  }
  lines.push("", "Latencies in ms. Direct errors (the upstream alone) are 0 unless noted: " + rs.map((r) => `${r.name.split(":")[0]} ${r.direct.filter((o) => !o.ok).length}`).join(", ") + ".");
  return lines.join("\n");
}

function f(ms: number): string {
  return ms.toFixed(1);
}
