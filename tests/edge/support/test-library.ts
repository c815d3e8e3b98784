/** Seeds the edge through its admin API: one upstream per loopback server, three models on "a", one key. */
import { env } from "cloudflare:workers";
import type { LibraryModel, UpstreamInput } from "../../../src/db/records.ts";
import type { Fault } from "../../e2e/support/fault-upstream.ts";
import { benchLibrary } from "../../e2e/support/bench-library.ts";
import { forgetBreakers } from "../../../src/edge/upstream/breaker-board.ts";
import { admin } from "./edge-call.ts";

/** The upstream rows: "a" needs the UPSTREAM_A_KEY secret; "slow" times out after 300 ms. */
export function testUpstreams(): UpstreamInput[] {
  const u = env.UPSTREAMS;
  const row = (id: string, baseUrl: string, extra: Partial<UpstreamInput> = {}): UpstreamInput => ({
    id, baseUrl, secretName: null, timeoutMs: 5_000, weight: 1, enabled: true, ...extra,
  });
  return [
    row("a", u.a, { secretName: "UPSTREAM_A_KEY" }),
    row("b", u.b),
    row("failing", u.failing),
    row("refusing", u.refusing),
    row("busy", u.busy),
    row("slow", u.slow, { timeoutMs: 300 }),
    row("down", u.down),
    row("nokey", u.b, { secretName: "UPSTREAM_NOT_SET_ANYWHERE" }),
  ];
}

/** bench-mamba, bench-bamba, bench-llama (highest prior) — all on upstream "a". */
export function testModels(): LibraryModel[] {
  return benchLibrary(env.UPSTREAMS.a, "a").models;
}

/**
 * Seeds upstreams and models with every circuit breaker closed (earlier tests' failures forgotten), and
 * returns a fresh API key with every scope.
 */
export async function seedLibrary(): Promise<string> {
  await env.DB.prepare("DELETE FROM upstream_breakers").run();
  forgetBreakers();
  for (const u of testUpstreams()) await admin("PUT", `/upstreams/${u.id}`, u);
  for (const m of testModels()) await admin("PUT", `/models/${m.id}`, m);
  const { key } = await admin<{ key: string }>("POST", "/keys", { name: "test" });
  return key;
}

/** Moves a model to another upstream. */
export async function serveFrom(modelId: string, upstream: string): Promise<void> {
  const model = testModels().find((m) => m.id === modelId);
  if (!model) throw new Error(`no test model ${modelId}`);
  await admin("PUT", `/models/${modelId}`, { ...model, upstream });
}

/**
 * Registers upstream `<fault>-<tag>` on the fault server and returns its id. The tag keeps this test's hit
 * count and circuit breaker apart from every other test's.
 */
export async function faultUpstream(fault: Fault, tag: string, extra: Partial<UpstreamInput> = {}): Promise<string> {
  const id = `${fault}-${tag}`;
  const row: UpstreamInput = { id, baseUrl: `${env.UPSTREAMS.faults}/${fault}/${tag}/v1`, secretName: null, timeoutMs: 2_000, idleTimeoutMs: 2_000, totalTimeoutMs: 10_000, ...extra };
  await admin("PUT", `/upstreams/${id}`, row);
  return id;
}

/** How many completion requests the fault server got for `<fault>/<tag>`. */
export async function faultHits(fault: Fault, tag: string): Promise<number> {
  const res = await fetch(`${env.UPSTREAMS.faults}/${fault}/${tag}/hits`);
  return ((await res.json()) as { hits: number }).hits;
}
