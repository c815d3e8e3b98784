/**
 * What loading the learned router (onnxruntime-web) costs in memory, in the edge Worker in workerd as Miniflare
 * runs it (the `wrangler deploy` bundle, local D1, decision rows on; edge-load's path). One workerd, in stages:
 *   idle, no router    started, seeded, --n streaming requests routed on the card priors, --idle-s idle;
 *   router loaded      the router's row written straight to D1 (as `wrangler d1 execute` of `router publish`'s
 *                      SQL would), then one request: the isolate reads the graph, creates the ORT session and
 *                      runs it once, as every isolate does on its first routed request;
 *   router serving     after --n more requests, each one predicted by the router;
 *   idle again         --idle-s later;
 *   admin publish      after PUT /admin/routers of a second, inactive version (decoded and run once in the
 *                      isolate, stored in D1);
 *   publishes          after --publishes more, each activated and then loaded by one routed request (what
 *                      a session left unreleased would pile up in the isolate's wasm memory).
 * Per stage: workerd's RSS and, through the V8 inspector, the Worker isolate's JS heap (after a full GC) and
 * wasm memory (what the 128 MB isolate limit is about) and the other isolates' heaps as they are (local D1 and
 * Miniflare's own Workers: not in a deployed Worker). For the load and the publishes, also what the isolate
 * allocated meanwhile (V8's sampling heap profiler, garbage included) and the peaks seen (RSS every 50 ms, the
 * isolate's heap without GC every 100 ms: a busy isolate answers few reads). Requests go in bursts of 20. A
 * benchmark: it asserts nothing.
 *
 *   npx tsx --experimental-websocket bench/edge-memory.ts [--n 200] [--idle-s 10] [--publishes 10] [--write docs/benchmarks.md]
 */
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { freePort } from "../tests/e2e/support/edge-process.ts";
import { startTestUpstream } from "../tests/e2e/support/openai-upstream.ts";
import { startWorkerdEdge } from "../tests/e2e/support/workerd-edge.ts";
import { benchRouter, createKey, publishBenchRouter, seedBenchLibrary, writeBenchRouter } from "./edge-bench-setup.ts";
import { inspectIsolate, inspectorTargets, type HeapUsage, type IsolateInspector } from "./isolate-inspector.ts";
import { writeSection } from "./markdown-section.ts";
import { descendantRss, samplePeakRss } from "./process-memory.ts";
import { chatBody, streamChat } from "./streamed-chat.ts";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "200" },
    "idle-s": { type: "string", default: "10" },
    publishes: { type: "string", default: "10" },
    write: { type: "string" },
  },
});
const N = Number(values.n);
const IDLE_MS = Number(values["idle-s"]) * 1000;
const PUBLISHES = Number(values.publishes);
const BURST = 20;
const MB = 1024 * 1024;
const WORKER = "core:user:";
const VERSION = "bench-memory";

interface Stage {
  name: string;
  rss: number;
  heap: HeapUsage;
  wasm: number;
  /** heap used summed over workerd's other isolates */
  others: number;
  /** what was seen while the stage's step ran, when it is a load or a publish */
  peak: Peak | null;
}

interface Peak {
  /** bytes the isolate allocated meanwhile, garbage included */
  allocated: number;
  rss: number;
  heapTotal: number;
  /** how many heap reads got an answer meanwhile (a busy isolate answers none) */
  reads: number;
}

const upstream = await startTestUpstream({ name: "healthy", streamChunks: 8 });
const inspectorPort = await freePort();
// LOG_LEVEL warn: no request line per request, so the process's own log buffers stay out of the figures.
const edge = await startWorkerdEdge({ LOG_LEVEL: "warn" }, inspectorPort);
const stages: Stage[] = [];
let clean = 0;
let byRouter = 0;
const router = benchRouter(VERSION);
const inspectors = new Map<string, IsolateInspector>();
try {
  const wake = async () => (await fetch(`${edge.url}/healthz`, { signal: AbortSignal.timeout(10_000) })).arrayBuffer();
  for (const target of await inspectorTargets(inspectorPort)) {
    inspectors.set(target, await inspectIsolate(inspectorPort, target, target === WORKER ? wake : undefined));
  }
  await seedBenchLibrary(edge, { healthy: upstream.baseUrl });
  const key = await createKey(edge, "memory");
  const send = async (n: number): Promise<void> => {
    for (let sent = 0; sent < n; sent += BURST) {
      const outcomes = await Promise.all(Array.from({ length: Math.min(BURST, n - sent) }, () =>
        streamChat(`${edge.url}/v1/chat/completions`, chatBody("auto"), { authorization: `Bearer ${key}` })));
      clean += outcomes.filter((o) => o.ok).length;
    }
  };

  await send(N);
  await sleep(IDLE_MS);
  stages.push(await stage("idle, no router (card priors)", null));

  await writeBenchRouter(edge, VERSION);
  // Past the 5 s an isolate trusts its idea of the active version.
  await sleep(6_000);
  stages.push(await stage("router loaded (first routed request: graph read, ORT session created and run)", await peakDuring(() => send(1))));
  await send(N - 1);
  stages.push(await stage(`router serving (after ${N} requests)`, null));
  await sleep(IDLE_MS);
  stages.push(await stage(`idle again (${IDLE_MS / 1000} s later)`, null));
  byRouter = await decisionsByRouter(key);
  stages.push(await stage("after PUT /admin/routers of a second version (inactive)", await peakDuring(() => publishBenchRouter(edge, `${VERSION}-2`, false))));
  const republish = async (): Promise<void> => {
    for (let v = 0; v < PUBLISHES; v++) {
      await publishBenchRouter(edge, `${VERSION}-${v + 3}`);
      await send(1);
    }
  };
  stages.push(await stage(`after ${PUBLISHES} more publishes, each activated and loaded by a request`, await peakDuring(republish)));
} finally {
  for (const i of inspectors.values()) i.close();
  await edge.stop();
  await upstream.close();
}

const report = table();
const command = `npx tsx --experimental-websocket bench/edge-memory.ts --n ${N} --idle-s ${IDLE_MS / 1000} --publishes ${PUBLISHES}`;
console.log(`\n${report}\n\nCommand: ${command}`);
if (values.write) {
  const cpu = `${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores)`;
  writeSection(
    values.write,
    "edge-memory",
    [
      "## The router's memory in the edge isolate",
      "",
      `Measured ${new Date().toISOString().slice(0, 10)} on ${cpu}, Node ${process.versions.node}: the edge Worker in workerd`,
      "as Miniflare runs it (the `wrangler deploy` bundle, local D1, decision rows on), one loopback upstream.",
      "",
      "```sh",
      `${command}      # npm run bench:memory`,
      "```",
      "",
      "One workerd, measured at each stage of one run. RSS is workerd's whole process; the isolate columns are the",
      "edge Worker's V8 isolate read through the inspector after a full GC (JS heap used / total, and the byte length",
      "of its live `WebAssembly.Memory`, ORT's wasm heap); *other isolates* is the heap used by workerd's other",
      "isolates (local D1's SQLite object, Miniflare's own Workers; no GC forced), which a deployed Worker does not carry.",
      "The router is first written to D1 as rows (`router publish`'s SQL) and loaded by the isolate's next routed request;",
      "the publishes go through `PUT /admin/routers`. *Meanwhile*: what the isolate allocated during that step, garbage",
      "included (V8's sampling heap profiler), the peak RSS (every 50 ms) and the largest heap total read (every 100 ms",
      "and once right after; a busy isolate answers few reads, so the true peak may be higher).",
      "",
      report,
    ].join("\n"),
  );
}

async function stage(name: string, peak: Peak | null): Promise<Stage> {
  const worker = workerInspector();
  await worker.collectGarbage();
  const heap = await worker.heap();
  const wasm = await worker.wasmMemory();
  let others = 0;
  for (const [target, inspector] of inspectors) if (target !== WORKER) others += (await inspector.heap()).used;
  const s = { name, rss: descendantRss("workerd"), heap, wasm, others, peak };
  console.error(`${name}: RSS ${mb(s.rss)} MB, isolate heap ${mb(heap.used)} / ${mb(heap.total)} MB, wasm ${mb(wasm)} MB`);
  return s;
}

/** Runs `step` while sampling workerd's RSS and the Worker isolate's heap. */
async function peakDuring(step: () => Promise<unknown>): Promise<Peak> {
  const worker = workerInspector();
  const rss = samplePeakRss("workerd");
  const peak = { allocated: 0, rss: 0, heapTotal: 0, reads: 0 };
  let running = true;
  const poll = (async () => {
    while (running) {
      peak.heapTotal = Math.max(peak.heapTotal, (await worker.heap()).total);
      peak.reads++;
      await sleep(100);
    }
  })();
  try {
    peak.allocated = await worker.allocatedDuring(step);
  } finally {
    running = false;
    await poll;
    peak.rss = rss.stop();
  }
  // The heap V8 grew to stays committed for a while: read once more, right after the step, before any GC.
  peak.heapTotal = Math.max(peak.heapTotal, (await worker.heap()).total);
  peak.reads++;
  return peak;
}

function workerInspector(): IsolateInspector {
  const worker = inspectors.get(WORKER);
  if (!worker) throw new Error(`no inspector target ${WORKER}`);
  return worker;
}

/** How many of the key's latest decisions (up to 100) the published router made. */
async function decisionsByRouter(key: string): Promise<number> {
  const res = await fetch(`${edge.url}/v1/decisions?limit=100`, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(10_000) });
  const { data } = (await res.json()) as { data: { router_version: string }[] };
  return data.filter((d) => d.router_version === VERSION).length;
}

function table(): string {
  const lines = [
    "| stage | workerd RSS | isolate JS heap used / total | isolate wasm memory | isolate heap total + wasm | other isolates' heap | meanwhile: isolate allocated, peak RSS, peak isolate heap total |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const s of stages) {
    const peak = s.peak ? `${mb(s.peak.allocated)} MB, ${mb(s.peak.rss)} MB, ${mb(s.peak.heapTotal)} MB (${s.peak.reads} reads)` : "–";
    lines.push(`| ${s.name} | ${mb(s.rss)} MB | ${mb(s.heap.used)} / ${mb(s.heap.total)} MB | ${mb(s.wasm)} MB | ${mb(s.heap.total + s.wasm)} MB | ${mb(s.others)} MB | ${peak} |`);
  }
  const [idle, loaded, serving] = stages;
  const isolatePeak = Math.max(...stages.map((s) => Math.max(s.heap.total, s.peak?.heapTotal ?? 0) + s.wasm));
  lines.push(
    "",
    `Router graph ${mb(router.onnx.byteLength)} MB of ONNX (4121→64→32, ${router.modelIds.length} models). ${clean} of ${2 * N + PUBLISHES} requests got a ` +
      `clean stream; ${byRouter} of the last 100 decisions before the publishes were made by the router. Loading it added ` +
      `${mb((loaded?.rss ?? 0) - (idle?.rss ?? 0))} MB of workerd RSS (${mb((serving?.rss ?? 0) - (idle?.rss ?? 0))} MB once serving) and ` +
      `${mb((loaded?.heap.total ?? 0) + (loaded?.wasm ?? 0) - (idle?.heap.total ?? 0) - (idle?.wasm ?? 0))} MB to the isolate's heap total + wasm; ` +
      `the isolate's heap total + wasm peaked at ${mb(isolatePeak)} MB of the 128 MB limit.`,
  );
  return lines.join("\n");
}

function mb(bytes: number): string {
  return (bytes / MB).toFixed(1);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
