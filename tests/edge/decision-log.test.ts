import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/edge/worker.ts";
import { faultUpstream, seedLibrary, serveFrom } from "./support/test-library.ts";

/** Sends one request; `read` decides how much of the body the client takes before it leaves. */
async function send(
  path: string,
  key: string,
  body: unknown,
  bindings: Record<string, string> = {},
  read: (res: Response) => Promise<void> = async (res) => void (await res.text()),
): Promise<string> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`http://edge.test${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    { ...env, ...bindings },
    ctx,
  );
  const id = res.headers.get("x-request-id") as string;
  await read(res);
  await waitOnExecutionContext(ctx);
  return id;
}

/** The client reads the first chunk, then hangs up. */
const leaveAfterFirstChunk = async (res: Response) => {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  await reader.read();
  await reader.cancel();
};

const rowsOf = async (id: string) =>
  (await env.DB.prepare("SELECT status, http_status, ended_cleanly FROM decisions WHERE id = ?").bind(id).all()).results;

const chat = (model: string, stream = false) => ({ model, stream, messages: [{ role: "user", content: "ping" }] });

describe("decision log", () => {
  it("writes the row of every one of several concurrent requests, exactly once", async () => {
    const key = await seedLibrary();
    const ids = await Promise.all([1, 2, 3, 4, 5].map(() => send("/v1/route", key, { prompt: "hi" }, { DECISION_BATCH_MS: "50" })));
    for (const id of ids) expect(await rowsOf(id)).toHaveLength(1);
  });

  it("writes nothing with DECISION_LOG=off", async () => {
    const key = await seedLibrary();
    const id = await send("/v1/route", key, { prompt: "hi" }, { DECISION_LOG: "off" });
    expect(await rowsOf(id)).toHaveLength(0);
  });

  it("loses no row, and each says what its client got, when answers, failures, broken streams and hang-ups share a batch", async () => {
    const key = await seedLibrary();
    await serveFrom("bench-mamba", await faultUpstream("cut", "loss", { totalTimeoutMs: 5_000 }));
    await serveFrom("bench-bamba", await faultUpstream("endless", "loss", { totalTimeoutMs: 5_000 }));
    await serveFrom("bench-llama", await faultUpstream("healthy", "loss"));
    const batch = { DECISION_BATCH_MS: "100" };
    const cases = [
      { expect: { status: "ok", http_status: 200, ended_cleanly: 1 }, run: () => send("/v1/chat/completions", key, chat("bench-llama"), batch) },
      { expect: { status: "ok", http_status: 200, ended_cleanly: 1 }, run: () => send("/v1/chat/completions", key, chat("bench-llama", true), batch) },
      { expect: { status: "upstream_unavailable", http_status: 502, ended_cleanly: 1 }, run: () => send("/v1/chat/completions", key, chat("bench-mamba"), batch) },
      { expect: { status: "upstream_broken", http_status: 200, ended_cleanly: 0 }, run: () => send("/v1/chat/completions", key, chat("bench-mamba", true), batch) },
      { expect: { status: "client_disconnected", http_status: 200, ended_cleanly: 0 }, run: () => send("/v1/chat/completions", key, chat("bench-bamba", true), batch, leaveAfterFirstChunk) },
      { expect: { status: "client_disconnected", http_status: 200, ended_cleanly: 0 }, run: () => send("/v1/chat/completions", key, chat("bench-llama", true), batch, leaveAfterFirstChunk) },
      { expect: { status: "routed", http_status: 200, ended_cleanly: 1 }, run: () => send("/v1/route", key, { prompt: "hi" }, batch) },
    ];
    const all = [...cases, ...cases, ...cases];
    const ids = await Promise.all(all.map((c) => c.run()));
    for (const [i, id] of ids.entries()) expect(await rowsOf(id)).toEqual([all[i]?.expect]);
  });
});
