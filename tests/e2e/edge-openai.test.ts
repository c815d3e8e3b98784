/**
 * End to end: `wrangler dev` (workerd + local D1 with the real migrations) routing between real loopback
 * OpenAI-compatible servers, driven by the official `openai` client.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import OpenAI from "openai";
import type { ChatCompletionCreateParamsNonStreaming } from "openai/resources/chat/completions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchLibrary } from "./support/bench-library.ts";
import { freePort, startEdge, type EdgeProcess } from "./support/edge-process.ts";
import { startFaultUpstream, type FaultUpstream } from "./support/fault-upstream.ts";
import { startTestUpstream, type TestUpstream } from "./support/openai-upstream.ts";

let edge: EdgeProcess;
let a: TestUpstream;
let b: TestUpstream;
let faults: FaultUpstream;
let client: OpenAI;
let apiKey: string;
const library = benchLibrary("http://unused/v1");
const model = (id: string) => library.models.find((m) => m.id === id) as (typeof library.models)[number];

beforeAll(async () => {
  [a, b, faults] = await Promise.all([
    startTestUpstream({ name: "a", apiKey: "sk-upstream-a" }),
    startTestUpstream({ name: "b" }),
    startFaultUpstream(),
  ]);
  edge = await startEdge({ UPSTREAM_A_KEY: "sk-upstream-a" });
  const row = { timeoutMs: 5_000, weight: 1, enabled: true };
  await edge.admin("PUT", "/upstreams/a", { ...row, baseUrl: a.baseUrl, secretName: "UPSTREAM_A_KEY" });
  await edge.admin("PUT", "/upstreams/b", { ...row, baseUrl: b.baseUrl, secretName: null });
  await edge.admin("PUT", "/upstreams/down", { ...row, baseUrl: `http://127.0.0.1:${await freePort()}/v1` });
  await edge.admin("PUT", "/models/bench-llama", { ...model("bench-llama"), upstream: "a" });
  await edge.admin("PUT", "/models/bench-bamba", { ...model("bench-bamba"), upstream: "b" });
  await edge.admin("PUT", "/models/bench-mamba", { ...model("bench-mamba"), upstream: "b" });
  ({ key: apiKey } = (await edge.admin("POST", "/keys", { name: "e2e" })) as { key: string });
  client = new OpenAI({ baseURL: `${edge.url}/v1`, apiKey, timeout: 15_000, maxRetries: 0 });
});

afterAll(async () => {
  await edge?.stop();
  await Promise.all([a?.close(), b?.close(), faults?.close()]);
});

const messages = [{ role: "user" as const, content: "ping" }];

async function streamText(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
  return text;
}

describe("edge through the openai client", () => {
  it("answers a non-streamed chat from the best model, naming it and the decision in headers", async () => {
    const { data, response } = await client.chat.completions.create({ model: "auto", messages }).withResponse();
    expect(data.choices[0]?.message.content).toBe("[a] model=bench-llama auth=ok said: ping");
    expect(response.headers.get("x-switchyard-model")).toBe("bench-llama");
    expect(response.headers.get("x-switchyard-decision")).toMatch(/^req_/);
  });

  it("streams a chat token by token", async () => {
    const stream = await client.chat.completions.create({ model: "auto", messages, stream: true });
    expect(await streamText(stream)).toBe("[a] model=bench-llama auth=ok said: ping");
  });

  it("takes routing flags from the x-switchyard-flags header", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "auto", messages }, { headers: { "x-switchyard-flags": "size=5" } })
      .withResponse();
    expect(response.headers.get("x-switchyard-model")).toBe("bench-mamba");
    expect(data.choices[0]?.message.content).toBe("[b] model=bench-mamba auth=none said: ping");
  });

  it("takes routing flags from the body's routing object", async () => {
    const params = { model: "auto", messages, routing: { families: ["hybrid"] } };
    const { response } = await client.chat.completions
      .create(params as ChatCompletionCreateParamsNonStreaming)
      .withResponse();
    expect(response.headers.get("x-switchyard-model")).toBe("bench-bamba");
  });

  it("surfaces a bad flag as a 400 APIError that names it", async () => {
    const params = { model: "auto", messages, routing: { latency: -1 } };
    const err = await client.chat.completions.create(params as ChatCompletionCreateParamsNonStreaming).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err).toMatchObject({ status: 400, code: "invalid_flags", param: "routing.latency" });
  });

  it("answers a text completion", async () => {
    const completion = await client.completions.create({ model: "auto", prompt: "Once upon" });
    expect(completion.choices[0]?.text).toBe("[a] model=bench-llama auth=ok said: Once upon");
  });

  it("lists the library with architecture cards", async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining(["auto", "bench-llama", "bench-bamba", "bench-mamba"]));
  });

  it("falls back to the next candidate when the first upstream is down, streamed or not", async () => {
    await edge.admin("PUT", "/models/bench-llama", { ...model("bench-llama"), upstream: "down" });
    try {
      const { data, response } = await client.chat.completions.create({ model: "auto", messages }).withResponse();
      expect(response.headers.get("x-switchyard-model")).toBe("bench-bamba");
      expect(response.headers.get("x-switchyard-fallbacks")).toBe("1");
      expect(data.choices[0]?.message.content).toBe("[b] model=bench-bamba auth=none said: ping");
      const stream = await client.chat.completions.create({ model: "auto", messages, stream: true });
      expect(await streamText(stream)).toBe("[b] model=bench-bamba auth=none said: ping");
    } finally {
      await edge.admin("PUT", "/models/bench-llama", { ...model("bench-llama"), upstream: "a" });
    }
  });

  it("raises a stream that breaks after it has started as an APIError from the iterator, after its first text", async () => {
    await edge.admin("PUT", "/upstreams/cut", { baseUrl: `${faults.origin}/cut/e2e/v1`, secretName: null });
    await edge.admin("PUT", "/models/bench-llama", { ...model("bench-llama"), upstream: "cut" });
    try {
      const stream = await client.chat.completions.create({ model: "bench-llama", messages, stream: true });
      let text = "";
      const err = await (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
      })().catch((e: unknown) => e);
      expect(text).toBe("partial answer");
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect(err).toMatchObject({ code: "upstream_stream_broken", type: "upstream_error" });
      const plain = await client.chat.completions.create({ model: "bench-llama", messages }).catch((e: unknown) => e);
      expect(plain).toBeInstanceOf(OpenAI.InternalServerError);
      expect(plain).toMatchObject({ status: 502, code: "upstream_unavailable" });
    } finally {
      await edge.admin("PUT", "/models/bench-llama", { ...model("bench-llama"), upstream: "a" });
    }
  });

  it("raises a key's request over its limit as a RateLimitError carrying Retry-After", async () => {
    const { key } = (await edge.admin("POST", "/keys", { name: "e2e-limited", limits: { requestsPerMinute: 1 } })) as { key: string };
    const limited = new OpenAI({ baseURL: `${edge.url}/v1`, apiKey: key, timeout: 15_000, maxRetries: 0 });
    await limited.chat.completions.create({ model: "auto", messages });
    const err = await limited.chat.completions.create({ model: "auto", messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err).toMatchObject({ status: 429, code: "rate_limit_exceeded", type: "rate_limit_error" });
    expect(Number((err as InstanceType<typeof OpenAI.RateLimitError>).headers?.get("retry-after"))).toBeGreaterThan(0);
    // The shared key of the other tests is not held back by this one.
    expect((await client.chat.completions.create({ model: "auto", messages })).choices).toHaveLength(1);
  });

  it("runs the README's SDK snippet as it stands, in a plain .mjs file", async () => {
    const root = join(import.meta.dirname, "../..");
    const snippet = /<!-- sdk-snippet[^>]*-->\n```js\n([\s\S]*?)```/.exec(readFileSync(join(root, "README.md"), "utf8"))?.[1] ?? "";
    expect(snippet).toContain('baseURL: "http://127.0.0.1:8787/v1", apiKey: "sk-switchyard-dev"');
    // The README's address and dev key, swapped for this edge's; "auto:cheap" is a policy of the default library.
    const script = snippet.replace("http://127.0.0.1:8787/v1", `${edge.url}/v1`).replace("sk-switchyard-dev", apiKey);
    await edge.admin("PUT", "/policies/cheap", { flags: { cost: 1 } });
    // inside the repository, so `import "openai"` resolves from its node_modules
    const dir = join(root, ".run");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `readme-sdk-${process.pid}.mjs`);
    writeFileSync(file, script);
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [file], { timeout: 30_000 });
      // the stream's text, then the body-flags call's model and answer
      expect(stdout).toMatch(/^\[b\] model=bench-(mamba|bamba) auth=none said: Summarise …\n(bench-\w+) \[[ab]\] model=\2 /);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
