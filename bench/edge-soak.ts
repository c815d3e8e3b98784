/**
 * The edge under a steady load for minutes: the edge Worker in workerd as Miniflare runs it (edge-load's path:
 * the `wrangler deploy` bundle, local D1, decision rows on), with a learned router published and active (so
 * onnxruntime-web is loaded and predicts every request), proxying to one loopback upstream.
 *
 *   npx tsx --experimental-websocket bench/edge-soak.ts [--rate 20] [--minutes 10] [--sample-s 5] [--decision-log off] [--write docs/benchmarks.md]
 *
 * --decision-log off runs the same without decision rows (DECISION_LOG=off), a control for what local D1's
 * growing database adds to workerd's memory; it writes its own section.
 *
 * Streaming chat requests go out open-loop at --rate per second (each at its own slot, whatever the earlier
 * ones are doing), each aborted after 30 s. A client error is any answer other than a 200 SSE stream that ends
 * in `[DONE]` with no error event. workerd's RSS is sampled every --sample-s seconds; once a minute, also its
 * split by mapping kind (code, data, file) and, through the V8 inspector (no GC forced), the Worker isolate's
 * JS heap and wasm memory and the other isolates' heaps; before the first request and after the last answer,
 * every isolate's heap after a full GC. Reported per minute of sending: requests, client
 * errors, p50/p99 time to the last byte, RSS; then RSS at the start and the end, and the least-squares slope of
 * RSS over the second half in MB/min: memory is called flat when the slope is within ±1 MB/min.
 * Bounded: --minutes of sending plus at most 30 s for the last answers. A benchmark: it asserts nothing.
 */
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { freePort } from "../tests/e2e/support/edge-process.ts";
import { startTestUpstream } from "../tests/e2e/support/openai-upstream.ts";
import { startWorkerdEdge } from "../tests/e2e/support/workerd-edge.ts";
import { createKey, seedBenchLibrary, writeBenchRouter } from "./edge-bench-setup.ts";
import { inspectIsolate, inspectorTargets, type IsolateInspector } from "./isolate-inspector.ts";
import { writeSection } from "./markdown-section.ts";
import { descendantRss, descendantRssParts, type RssParts } from "./process-memory.ts";
import { chatBody, percentile, streamChat, type Outcome } from "./streamed-chat.ts";

const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "20" },
    minutes: { type: "string", default: "10" },
    "sample-s": { type: "string", default: "5" },
    "decision-log": { type: "string", default: "on" },
    write: { type: "string" },
  },
});
const RATE = Number(values.rate);
const MINUTES = Number(values.minutes);
const SAMPLE_MS = Number(values["sample-s"]) * 1000;
const DECISIONS_OFF = values["decision-log"] === "off";
const MB = 1024 * 1024;
const VERSION = "bench-soak";
const WORKER = "core:user:";
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
  /** heap total summed over workerd's other isolates (local D1, Miniflare's own Workers) */
  others: number;
  rss: RssParts;
}

/** Memory after a full GC of every isolate a request reaches: what is still held, garbage aside. */
interface Collected {
  rss: number;
  parts: RssParts;
  /** the edge isolate's JS heap used */
  worker: number;
  /** heap used summed over the other isolates */
  others: number;
  /** heap total (what V8 keeps committed) summed over every isolate */
  total: number;
  /** the isolates that did not run the collection (no request reaches them), with their heap used */
  missed: string[];
}

const upstream = await startTestUpstream({ name: "healthy", streamChunks: 8 });
const inspectorPort = await freePort();
// LOG_LEVEL warn: no request line per request, whose 12,000 lines would cost the 2-core client more than the Worker.
const edge = await startWorkerdEdge({ LOG_LEVEL: "warn", ...(DECISIONS_OFF ? { DECISION_LOG: "off" } : {}) }, inspectorPort);
const sent: Sent[] = [];
const samples: Sample[] = [];
const minutes: Minute[] = [];
let startRss = 0;
let startParts: RssParts = { code: 0, data: 0, file: 0 };
let endRss = 0;
const collected: Collected[] = [];
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
  // A routed request and an admin read (D1) between them reach the edge isolate, Miniflare's own Workers and local D1's.
  const wake = async () => Promise.all([send(), edge.admin("GET", "/routers")]);
  const inspectors = new Map<string, IsolateInspector>();
  for (const target of await inspectorTargets(inspectorPort)) inspectors.set(target, await inspectIsolate(inspectorPort, target, wake));
  const isolate = inspectors.get(WORKER);
  if (!isolate) throw new Error(`no inspector target ${WORKER}`);
  const others = [...inspectors].filter(([target]) => target !== WORKER).map(([, i]) => i);
  const collect = async (): Promise<Collected> => {
    const missed: string[] = [];
    for (const [target, i] of inspectors) if (!(await i.collectGarbage(5_000))) missed.push(`${target} ${mb((await i.heap()).used)} MB`);
    let othersUsed = 0;
    for (const o of others) othersUsed += (await o.heap()).used;
    let total = 0;
    for (const i of inspectors.values()) total += (await i.heap()).total;
    return { rss: descendantRss("workerd"), parts: descendantRssParts("workerd"), worker: (await isolate.heap()).used, others: othersUsed, total, missed };
  };
  collected.push(await collect());
  startRss = descendantRss("workerd");
  startParts = descendantRssParts("workerd");

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
    const wasm = await isolate.wasmMemory();
    let othersTotal = 0;
    for (const o of others) othersTotal += (await o.heap()).total;
    minutes.push({ heapUsed: heap.used, heapTotal: heap.total, wasm, others: othersTotal, rss: descendantRssParts("workerd") });
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
  collected.push(await collect());
  for (const i of inspectors.values()) i.close();
  if (!DECISIONS_OFF) byRouter = await decisionsByRouter(key);
} finally {
  await edge.stop();
  await upstream.close();
}

const report = table();
const command =
  `npx tsx --experimental-websocket bench/edge-soak.ts --rate ${RATE} --minutes ${MINUTES} --sample-s ${SAMPLE_MS / 1000}` +
  (DECISIONS_OFF ? " --decision-log off" : "");
console.log(`\n${report}\n\nCommand: ${command}`);
if (values.write) {
  const cpu = `${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores)`;
  writeSection(
    values.write,
    DECISIONS_OFF ? "edge-soak-decision-log-off" : "edge-soak",
    [
      DECISIONS_OFF ? "### The same soak without decision rows" : "## Edge soak",
      "",
      `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${cpu}, Node ${process.versions.node}: the edge Worker in`,
      `workerd as Miniflare runs it (the \`wrangler deploy\` bundle, local D1, decision rows ${DECISIONS_OFF ? "off" : "on"}, LOG_LEVEL warn), a learned`,
      "router of the default size published and active (onnxruntime-web predicts every request), one loopback upstream.",
      "",
      "```sh",
      `${command}      # npm run bench:soak`,
      "```",
      "",
      `Streaming chat requests sent open-loop at ${RATE}/s for ${MINUTES} minutes, each at its own slot whatever the earlier`,
      "ones are doing. A client error is any answer other than a 200 SSE stream that ends in `[DONE]` with no error",
      "event. Latency is time to the last byte, bucketed by the minute the request was sent. RSS is workerd's whole",
      `process, sampled every ${SAMPLE_MS / 1000} s, and split at each minute's end by mapping (/proc smaps): *code* is anonymous`,
      "executable memory (JIT code, compiled wasm), *data* the other anonymous memory (JS heaps, wasm memory, malloc),",
      "*file* the mapped binary and files. The isolate columns are the edge Worker's JS heap (used / total) and wasm",
      "memory, and the heap total of workerd's other isolates (local D1, Miniflare's own Workers), read through the V8",
      "inspector at each minute's end, no GC forced. Before the first request and after the last answer, every",
      "isolate a request reaches is collected (full GC, through the inspector), so the last line compares what stays",
      "held. The router is written to D1 as rows before the run (`router publish`'s SQL) and loaded by the warm-up",
      "requests.",
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
    "| minute | requests | client errors | p50 | p99 | workerd RSS, min – max | at its end: RSS (code / data / file) | isolate heap used / total, wasm | other isolates' heap | load average |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (let m = 0; m < MINUTES; m++) {
    const these = sent.filter((o) => o.at >= m && o.at < m + 1);
    const within = samples.filter((s) => s.at >= m && s.at <= m + 1).map((s) => s.rss);
    const end = minutes[m];
    lines.push(
      `| ${m + 1} | ${these.length} | ${these.filter((o) => !o.ok).length} | ${percentile(these, 50).toFixed(1)} | ${percentile(these, 99).toFixed(1)} | ` +
        `${mb(Math.min(...within))} – ${mb(Math.max(...within))} MB | ${end ? parts(end.rss) : "–"} | ` +
        `${end ? `${mb(end.heapUsed)} / ${mb(end.heapTotal)} MB, ${mb(end.wasm)} MB` : "–"} | ${end ? `${mb(end.others)} MB` : "–"} | ${(load[m] ?? Number.NaN).toFixed(2)} |`,
    );
  }
  const errors = sent.filter((o) => !o.ok).length;
  const secondHalf = samples.filter((s) => s.at >= MINUTES / 2);
  const { perMin, se } = slope(secondHalf);
  const verdict = Math.abs(perMin) < FLAT_MB_PER_MIN ? "**memory flat**" : perMin > 0 ? "**memory grows**" : "**memory shrinks**";
  const first = minutes[0];
  const last = minutes[minutes.length - 1];
  const change = (a: number, b: number) => `${b >= a ? "+" : ""}${mb(b - a)}`;
  lines.push(
    "",
    `Latencies in ms. ${sent.length} requests, **${errors} client errors**; overall p50 ${percentile(sent, 50).toFixed(1)} ms, p99 ` +
      `${percentile(sent, 99).toFixed(1)} ms. ` +
      (DECISIONS_OFF ? "No decision rows, so the predictor is not read back." : `${byRouter} of the last 100 decisions were made by the published router.`),
    "",
    `workerd RSS: ${mb(startRss)} MB at the start (after warm-up; ${parts(startParts)}), ${mb(endRss)} MB at the end. ` +
      `Slope over the second half (${secondHalf.length} samples, minutes ${MINUTES / 2}–${MINUTES}): ` +
      `**${perMin.toFixed(2)} ± ${se.toFixed(2)} MB/min** → ${verdict} (flat: within ±${FLAT_MB_PER_MIN} MB/min).`,
  );
  if (first && last) {
    lines.push(
      "",
      `From the end of minute 1 to the end of minute ${minutes.length}: RSS code ${change(first.rss.code, last.rss.code)}, data ` +
        `${change(first.rss.data, last.rss.data)}, file ${change(first.rss.file, last.rss.file)} MB; the isolate's heap total ` +
        `${change(first.heapTotal, last.heapTotal)}, its wasm memory ${change(first.wasm, last.wasm)}, the other isolates' heap ` +
        `${change(first.others, last.others)} MB.`,
    );
  }
  const [before, after] = collected;
  if (before && after) {
    lines.push(
      "",
      `After a full GC of every isolate a request reaches${after.missed.length > 0 ? ` (not reached: ${after.missed.join(", ")})` : ""}, ` +
        `start → end: the edge isolate's heap used ${mb(before.worker)} → ${mb(after.worker)} MB, the other isolates' ` +
        `${mb(before.others)} → ${mb(after.others)} MB, every isolate's heap total ${mb(before.total)} → ${mb(after.total)} MB, ` +
        `workerd RSS ${parts(before.parts)} → ${parts(after.parts)}.`,
    );
  }
  return lines.join("\n");
}

function parts(p: RssParts): string {
  return `${mb(p.code + p.data + p.file)} MB (${mb(p.code)} / ${mb(p.data)} / ${mb(p.file)})`;
}

function mb(bytes: number): string {
  return (bytes / MB).toFixed(1);
}
