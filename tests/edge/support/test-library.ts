/** Seeds the edge through its admin API: one upstream per loopback server, three models on "a", one key. */
import { env } from "cloudflare:workers";
import type { LibraryModel, Upstream } from "../../../src/db/records.ts";
import { benchLibrary } from "../../e2e/support/bench-library.ts";
import { admin } from "./edge-call.ts";

/** The upstream rows: "a" needs the UP_A_KEY secret; "slow" times out after 300 ms. */
export function testUpstreams(): Upstream[] {
  const u = env.UPSTREAMS;
  const row = (id: string, baseUrl: string, extra: Partial<Upstream> = {}): Upstream => ({
    id, baseUrl, secretName: null, timeoutMs: 5_000, weight: 1, enabled: true, ...extra,
  });
  return [
    row("a", u.a, { secretName: "UP_A_KEY" }),
    row("b", u.b),
    row("failing", u.failing),
    row("refusing", u.refusing),
    row("busy", u.busy),
    row("slow", u.slow, { timeoutMs: 300 }),
    row("down", u.down),
    row("nokey", u.b, { secretName: "NOT_SET_ANYWHERE" }),
  ];
}

/** bench-mamba, bench-bamba, bench-llama (highest prior) — all on upstream "a". */
export function testModels(): LibraryModel[] {
  return benchLibrary(env.UPSTREAMS.a, "a").models;
}

/** Seeds upstreams and models, and returns a fresh API key with every scope. */
export async function seedLibrary(): Promise<string> {
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
