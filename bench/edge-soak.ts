/**
 * The edge under a steady load for minutes: the edge Worker in workerd as Miniflare runs it (edge-load's path:
 * the `wrangler deploy` bundle, local D1, decision rows on), with a learned router published and active (so
 * onnxruntime-web is loaded and predicts every request), proxying to one loopback upstream.
 *
 *   npx tsx --experimental-websocket bench/edge-soak.ts [--rate 20] [--minutes 10] [--sample-s 5] [--write docs/benchmarks.md]
 *
 * Streaming chat requests go out open-loop at --rate per second (each at its own slot, whatever the earlier
 * ones are doing), each aborted after 30 s. A client error is any answer other than a 200 SSE stream that ends
 * in `[DONE]` with no error event. workerd's RSS is sampled every --sample-s seconds, the Worker isolate's JS
 * heap and wasm memory once a minute (V8 inspector, no GC forced). Reported per minute of sending: requests,
 * client errors, p50/p99 time to the last byte, RSS; then RSS at the start and the end, and the least-squares
 * slope of RSS over the second half in MB/min: memory is called flat when the slope is within ±1 MB/min.
 * Bounded: --minutes of sending plus at most 30 s for the last answers. A benchmark: it asserts nothing.
 */
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { freePort } from "../tests/e2e/support/edge-process.ts";
import { startTestUpstream } from "../tests/e2e/support/openai-upstream.ts";
import { startWorkerdEdge } from "../tests/e2e/support/workerd-edge.ts";
import { createKey, seedBenchLibrary, writeBenchRouter } from "./edge-bench-setup.ts";
import { inspectIsolate } from "./isolate-inspector.ts";
import { writeSection } from "./markdown-section.ts";
import { descendantRss } from "./process-memory.ts";
import { chatBody, percentile, streamChat, type Outcome } from "./streamed-chat.ts";

const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "20" },
    minutes: { type: "string", default: "10" },
    "sample-s": { type: "string", default: "5" },
    write: { type: "string" },
  },
});
const RATE = Number(values.rate);
const MINUTES = Number(values.minutes);
const SAMPLE_MS = Number(values["sample-s"]) * 1000;
const MB = 1024 * 1024;
const VERSION = "bench-soak";
/** |slope| below this many MB/min over the second half reads as flat */
const FLAT_MB_PER_MIN = 1;

interface Sent extends Outcome {
  /** minutes since the first request was sent, at sending */
  at: number;
}

interface Sample {
  /** minutes since the first request was sent */
  at: number;
  rss: number;
}

interface Minute {
  /** the Worker isolate's JS heap used and total, and its wasm memory, at the minute's end */
  heapUsed: number;
  heapTotal: number;
  wasm: number;
}

const upstream = await startTestUpstream({ name: "healthy", streamChunks: 8 });
const inspectorPort = await freePort();
// LOG_LEVEL warn: no request line per request, whose 12,000 lines would cost the 2-core client more than the Worker.
const edge = await startWorkerdEdge({ LOG_LEVEL: "warn" }, inspectorPort);
const sent: Sent[] = [];
const samples: Sample[] = [];
const minutes: Minute[] = [];
let startRss = 0;
let endRss = 0;
let byRouter = 0;
const load: number[] = [];
try {
  await seedBenchLibrary(edge, { healthy: upstream.baseUrl });
  const key = await createKey(edge, "soak");
  const send = () => streamChat(`${edge.url}/v1/chat/completions`, chatBody("auto"), { authorization: `Bearer ${key}` });
  // Warm-up (not counted): the isolate settles on "no router" and fills its library cache, then loads the router
  // once its idea of the active version expires (5 s). Written to D1 directly, so the admin publish's garbage
  // (edge-memory) is not in the starting RSS.
  await Promise.all(Array.from({ length: 20 }, send));
  await writeBenchRouter(edge, VERSION);
  await new Promise((resolve) => setTimeout(resolve, 6_000));
  await Promise.all(Array.from({ length: 20 }, send));
  const isolate = await inspectIsolate(inspectorPort, "core:user:");
  startRss = descendantRss("workerd");

  const t0 = performance.now();
  const minutesSince = () => (performance.now() - t0) / 60_000;
  samples.push({ at: 0, rss: startRss });
  const sampler = setInterval(() => {
    const sample = { at: minutesSince(), rss: descendantRss("workerd") };
    samples.push(sample);
    console.error(`${sample.at.toFixed(2)} min: RSS ${mb(sample.rss)} MB`);
  }, SAMPLE_MS);
  const readMinute = async (): Promise<void> => {
    const heap = await isolate.heap();
    minutes.push({ heapUsed: heap.used, heapTotal: heap.total, wasm: await isolate.wasmMemory() });
    load.push(loadavg()[0] ?? 0);
    console.error(`minute ${minutes.length}/${MINUTES}: ${sent.length} answered, RSS ${mb(descendantRss("workerd"))} MB`);
  };
  // Off the sending loop, so a slow inspector answer never delays a request's slot.
  const minuteReads: Promise<void>[] = [];
  const minuteTimer = setInterval(() => minuteReads.push(readMinute()), 60_000);
  const inFlight: Promise<void>[] = [];
  const total = Math.round(RATE * 60 * MINUTES);
  for (let i = 0; i < total; i++) {
    const wait = t0 + (i * 1000) / RATE - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const at = minutesSince();
    inFlight.push(send().then((o) => void sent.push({ ...o, at })));
  }
  // The last minute's read is the one at its end, once its requests are sent.
  clearInterval(minuteTimer);
  await Promise.all(minuteReads);
  if (minutes.length < MINUTES) await readMinute();
  await Promise.all(inFlight);
  clearInterval(sampler);
  endRss = descendantRss("workerd");
  samples.push({ at: minutesSince(), rss: endRss });
  isolate.close();
  byRouter = await decisionsByRouter(key);
} finally {
  await edge.stop();
  await upstream.close();
}

const report = table();
const command = `npx tsx --experimental-websocket bench/edge-soak.ts --rate ${RATE} --minutes ${MINUTES} --sample-s ${SAMPLE_MS / 1000}`;
console.log(`\n${report}\n\nCommand: ${command}`);
if (values.write) {
  const cpu = `${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores)`;
  writeSection(
    values.write,
    "edge-soak",
    [
      "## Edge soak",
      "",
      `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${cpu}, Node ${process.versions.node}: the edge Worker in`,
      "workerd as Miniflare runs it (the `wrangler deploy` bundle, local D1, decision rows on, LOG_LEVEL warn), a learned",
      "router of the default size published and active (onnxruntime-web predicts every request), one loopback upstream.",
      "",
      "```sh",
      `${command}      # npm run bench:soak`,
      "```",
      "",
      `Streaming chat requests sent open-loop at ${RATE}/s for ${MINUTES} minutes, each at its own slot whatever the earlier`,
      "ones are doing. A client error is any answer other than a 200 SSE stream that ends in `[DONE]` with no error",
      "event. Latency is time to the last byte, bucketed by the minute the request was sent. RSS is workerd's whole",
      `process, sampled every ${SAMPLE_MS / 1000} s; the isolate column is the edge Worker's JS heap (used / total) and wasm memory`,
      "(V8 inspector, no GC forced), read at each minute's end. The router is written to D1 as rows before the run",
      "(`router publish`'s SQL) and loaded by the warm-up requests.",
      "",
      report,
    ].join("\n"),
  );
}

/** How many of the key's latest decisions (up to 100) the published router made. */
async function decisionsByRouter(key: string): Promise<number> {
  const res = await fetch(`${edge.url}/v1/decisions?limit=100`, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(10_000) });
  const { data } = (await res.json()) as { data: { router_version: string }[] };
  return data.filter((d) => d.router_version === VERSION).length;
}

/** Least-squares slope of RSS (MB) over time (min), and its standard error. */
function slope(points: Sample[]): { perMin: number; se: number } {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.at, 0) / n;
  const my = points.reduce((a, p) => a + p.rss / MB, 0) / n;
  const sxx = points.reduce((a, p) => a + (p.at - mx) ** 2, 0);
  const perMin = points.reduce((a, p) => a + (p.at - mx) * (p.rss / MB - my), 0) / sxx;
  const residual = points.reduce((a, p) => a + (p.rss / MB - my - perMin * (p.at - mx)) ** 2, 0);
  return { perMin, se: Math.sqrt(residual / Math.max(1, n - 2) / sxx) };
}

function table(): string {
  const lines = [
    "| minute | requests | client errors | p50 | p99 | workerd RSS at its end (min – max in it) | isolate heap used / total, wasm at its end | load average |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (let m = 0; m < MINUTES; m++) {
    const these = sent.filter((o) => o.at >= m && o.at < m + 1);
    const rssAtEnd = samples.reduce((best, s) => (Math.abs(s.at - (m + 1)) < Math.abs(best.at - (m + 1)) ? s : best), samples[0] ?? { at: 0, rss: 0 });
    const within = samples.filter((s) => s.at >= m && s.at <= m + 1).map((s) => s.rss);
    lines.push(
      `| ${m + 1} | ${these.length} | ${these.filter((o) => !o.ok).length} | ${percentile(these, 50).toFixed(1)} | ${percentile(these, 99).toFixed(1)} | ` +
        `${mb(rssAtEnd.rss)} MB (${mb(Math.min(...within))} – ${mb(Math.max(...within))}) | ${isolateAt(minutes[m])} | ${(load[m] ?? Number.NaN).toFixed(2)} |`,
    );
  }
  const errors = sent.filter((o) => !o.ok).length;
  const secondHalf = samples.filter((s) => s.at >= MINUTES / 2);
  const { perMin, se } = slope(secondHalf);
  const verdict = Math.abs(perMin) < FLAT_MB_PER_MIN ? "**memory flat**" : perMin > 0 ? "**memory grows**" : "**memory shrinks**";
  lines.push(
    "",
    `Latencies in ms. ${sent.length} requests, **${errors} client errors**; overall p50 ${percentile(sent, 50).toFixed(1)} ms, p99 ` +
      `${percentile(sent, 99).toFixed(1)} ms. ${byRouter} of the last 100 decisions were made by the published router.`,
    "",
    `workerd RSS: ${mb(startRss)} MB at the start (after warm-up), ${mb(endRss)} MB at the end. Slope over the second half ` +
      `(${secondHalf.length} samples, minutes ${MINUTES / 2}–${MINUTES}): **${perMin.toFixed(2)} ± ${se.toFixed(2)} MB/min** → ${verdict} ` +
      `(flat: within ±${FLAT_MB_PER_MIN} MB/min).`,
  );
  return lines.join("\n");
}

function isolateAt(m: Minute | undefined): string {
  return m ? `${mb(m.heapUsed)} / ${mb(m.heapTotal)} MB, ${mb(m.wasm)} MB` : "–";
}

function mb(bytes: number): string {
  return (bytes / MB).toFixed(1);
}
