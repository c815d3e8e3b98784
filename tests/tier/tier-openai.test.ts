import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelCardSchema } from "../../src/routing/model-card.ts";
import { type DemoModels, makeDemoModels } from "./demo-models.ts";
import { startTier, type TierProcess } from "./tier-process.ts";

let demo: DemoModels;
let tier: TierProcess;
let client: OpenAI;

beforeAll(async () => {
  demo = makeDemoModels();
  tier = await startTier(["--models", demo.root]);
  client = new OpenAI({ baseURL: `${tier.baseUrl}/v1`, apiKey: "unused", maxRetries: 0 });
});

afterAll(async () => {
  await tier?.stop();
  demo?.remove();
});

const MODELS = ["demo-bamba", "demo-llama", "demo-mamba"] as const;
const hello = [{ role: "user" as const, content: "Hello, who are you?" }];

describe("GET /v1/models", () => {
  it("lists every demo model with a valid architecture card of the right family", async () => {
    const list = await client.models.list();
    const byId = new Map(list.data.map((m) => [m.id, ModelCardSchema.parse((m as unknown as { card: unknown }).card)]));
    expect([...byId.keys()].sort()).toEqual([...MODELS]);
    expect(byId.get("demo-mamba")).toMatchObject({ family: "ssm", attentionLayers: 0, architecture: "MambaForCausalLM" });
    expect(byId.get("demo-bamba")?.family).toBe("hybrid");
    expect(byId.get("demo-llama")).toMatchObject({ family: "transformer", architecture: "LlamaForCausalLM" });
    const llama = byId.get("demo-llama");
    expect(llama?.attentionLayers).toBe(llama?.layers);
  });

  it("declares no optional capabilities, and the chat endpoint indeed refuses logprobs, image parts, tools and JSON mode", async () => {
    const list = await client.models.list();
    for (const m of list.data) expect((m as unknown as { card: { capabilities: unknown } }).card.capabilities).toEqual([]);
    const image = { type: "image_url" as const, image_url: { url: "data:image/png;base64,AAAA" } };
    const refused = [
      { model: "demo-llama", messages: hello, logprobs: true },
      { model: "demo-llama", messages: [{ role: "user" as const, content: [image] }] },
      { model: "demo-llama", messages: hello, tools: [{ type: "function" as const, function: { name: "f", parameters: {} } }] },
      { model: "demo-llama", messages: hello, tool_choice: "auto" as const },
      { model: "demo-llama", messages: hello, response_format: { type: "json_object" as const } },
    ];
    for (const body of refused) {
      const err = await client.chat.completions.create(body).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    }
  });
});

describe("POST /v1/chat/completions", () => {
  it.each(MODELS)("%s: the same seed gives the same reply, and usage counts the tokens", async (model) => {
    // ignore_eos: a random-init demo model may pick EOS first, which would leave nothing to compare.
    const params = { model, messages: hello, max_tokens: 12, seed: 7, temperature: 0.9, ignore_eos: true };
    const ask = () => client.chat.completions.create(params as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const [a, b] = [await ask(), await ask()];
    expect(a.choices[0]?.message.content).toBe(b.choices[0]?.message.content);
    expect(a.object).toBe("chat.completion");
    expect(a.model).toBe(model);
    expect(a.choices[0]?.finish_reason).toBe("length");
    expect(a.usage?.completion_tokens).toBe(12);
    expect(a.usage?.total_tokens).toBe((a.usage?.prompt_tokens ?? 0) + (a.usage?.completion_tokens ?? 0));
  });

  it("streams the same text as the non-streamed reply, ending with finish_reason and usage", async () => {
    const params = { model: "demo-llama", messages: hello, max_tokens: 16, seed: 3, temperature: 1 };
    const whole = await client.chat.completions.create(params);
    const stream = await client.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } });
    let text = "";
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    let role: string | undefined;
    for await (const chunk of stream) {
      role ??= chunk.choices[0]?.delta.role;
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(role).toBe("assistant");
    expect(text).toBe(whole.choices[0]?.message.content);
    expect(finish).toBe(whole.choices[0]?.finish_reason);
    expect(usage).toEqual(whole.usage);
  });

  it("ends a greedy reply at a stop sequence, without the stop text", async () => {
    const base = { model: "demo-mamba", messages: hello, max_tokens: 24, temperature: 0, ignore_eos: true };
    const free = (await client.chat.completions.create(base as OpenAI.ChatCompletionCreateParamsNonStreaming)).choices[0]?.message.content ?? "";
    expect(free.length).toBeGreaterThan(4);
    const stop = free.slice(3, 5);
    const cut = await client.chat.completions.create({ ...base, stop: [stop] } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(cut.choices[0]?.message.content).toBe(free.slice(0, free.indexOf(stop)));
    expect(cut.choices[0]?.finish_reason).toBe("stop");
  });

  it("refuses a bad field with a 400 that names it", async () => {
    const err = await client.chat.completions.create({ model: "demo-llama", messages: hello, temperature: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("temperature");
  });

  it("answers an unknown model with 404 model_not_found", async () => {
    const err = await client.chat.completions.create({ model: "nope", messages: hello }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.NotFoundError>).code).toBe("model_not_found");
  });
});

describe("POST /v1/completions", () => {
  it("stops at max_tokens with finish_reason length", async () => {
    const r = await client.completions.create({ model: "demo-bamba", prompt: "Once upon a time", max_tokens: 5, ignore_eos: true } as OpenAI.CompletionCreateParamsNonStreaming);
    expect(r.object).toBe("text_completion");
    expect(r.usage?.completion_tokens).toBe(5);
    expect(r.choices[0]?.finish_reason).toBe("length");
  });

  it("streams text chunks that add up to the whole completion", async () => {
    const params = { model: "demo-mamba", prompt: "Once upon a time", max_tokens: 10, seed: 11 };
    const whole = await client.completions.create(params);
    let text = "";
    for await (const chunk of await client.completions.create({ ...params, stream: true })) text += chunk.choices[0]?.text ?? "";
    expect(text).toBe(whole.choices[0]?.text);
  });

  it("takes a prompt of token ids and refuses ids outside the vocabulary", async () => {
    const r = await client.completions.create({ model: "demo-llama", prompt: [5, 6, 7], max_tokens: 2, ignore_eos: true } as OpenAI.CompletionCreateParamsNonStreaming);
    expect(r.usage?.prompt_tokens).toBe(3);
    const err = await client.completions.create({ model: "demo-llama", prompt: [5, 1_000_000], max_tokens: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("prompt");
  });

  it("refuses a prompt plus max_tokens beyond the context with context_length_exceeded", async () => {
    const err = await client.completions.create({ model: "demo-llama", prompt: "hi", max_tokens: 10_000_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).code).toBe("context_length_exceeded");
  });
});

interface ScoreBody {
  object: string;
  tokens: { id: number; text: string; logprob: number | null }[];
  mean_nll: number;
  scored_tokens: number;
}

async function score(body: object): Promise<Response> {
  return fetch(`${tier.baseUrl}/v1/score`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

describe("POST /v1/score", () => {
  it.each(MODELS)("%s: per-token logprobs whose mean negative is mean_nll", async (model) => {
    const res = await score({ model, text: "The quick brown fox jumps over the lazy dog." });
    expect(res.status).toBe(200);
    const s = (await res.json()) as ScoreBody;
    expect(s.tokens[0]?.logprob).toBeNull();
    const lps = s.tokens.slice(1).map((t) => t.logprob ?? Number.NaN);
    expect(lps.length).toBe(s.scored_tokens);
    for (const lp of lps) expect(lp).toBeLessThanOrEqual(0);
    expect(s.mean_nll).toBeCloseTo(-lps.reduce((a, b) => a + b, 0) / lps.length, 9);
  });

  it("scores a conversation through the chat template", async () => {
    const res = await score({ model: "demo-llama", messages: [...hello, { role: "assistant", content: "A demo." }] });
    expect(res.status).toBe(200);
    expect(((await res.json()) as ScoreBody).scored_tokens).toBeGreaterThan(4);
  });

  it("refuses a body with both text and messages", async () => {
    const res = await score({ model: "demo-llama", text: "x", messages: hello });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
  });
});

describe("errors, health and metrics", () => {
  it("answers malformed JSON with an OpenAI-shaped 400", async () => {
    const res = await fetch(`${tier.baseUrl}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: Record<string, unknown>; request_id: string };
    expect(Object.keys(body.error).sort()).toEqual(["code", "message", "param", "type"]);
    expect(body.request_id).toBe(res.headers.get("x-request-id"));
  });

  it("answers an unknown route with a 404 in the same shape", async () => {
    const res = await fetch(`${tier.baseUrl}/v2/nothing`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  it("reports health with the served models", async () => {
    const res = await fetch(`${tier.baseUrl}/healthz`);
    expect(await res.json()).toEqual({ status: "ok", models: [...MODELS] });
  });

  it("exposes request counts, tokens and latency in Prometheus text", async () => {
    await client.chat.completions.create({ model: "demo-mamba", messages: hello, max_tokens: 3, ignore_eos: true } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const res = await fetch(`${tier.baseUrl}/metrics`);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await res.text();
    const value = (prefix: string) => Number(text.split("\n").find((l) => l.startsWith(prefix))?.split(" ").pop());
    expect(value('switchyard_tier_requests_total{route="/v1/chat/completions",model="demo-mamba",status="200"}')).toBeGreaterThanOrEqual(1);
    expect(value('switchyard_tier_tokens_total{model="demo-mamba",kind="completion"}')).toBeGreaterThanOrEqual(3);
    expect(value('switchyard_tier_request_duration_seconds_count{route="/v1/chat/completions"}')).toBeGreaterThanOrEqual(1);
    expect(text).toContain('switchyard_tier_queue_depth{model="demo-llama"} 0');
  });
});
