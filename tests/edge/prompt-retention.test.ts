import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_STORED_PROMPT_CHARS } from "../../src/edge/decision-log.ts";
import { admin, call } from "./support/edge-call.ts";
import { seedLibrary, testModels } from "./support/test-library.ts";

const KEEP = { STORE_PROMPTS: "true" };

async function storedPrompt(id: string | null): Promise<string | null> {
  const row = await env.DB.prepare("SELECT prompt FROM decisions WHERE id = ?").bind(id).first<{ prompt: string | null }>();
  if (!row) throw new Error(`no decision row ${id}`);
  return row.prompt;
}

// The test models hold 8192 tokens (~32 000 characters): give one room for prompts past the cap.
async function seedLongContext(): Promise<string> {
  const key = await seedLibrary();
  const llama = testModels().find((m) => m.id === "bench-llama");
  await admin("PUT", "/models/bench-llama", { ...llama, contextLength: 65_536 });
  return key;
}

async function chatDecision(key: string, vars: Record<string, string | undefined>, content: string): Promise<string | null> {
  const reply = await call("/v1/chat/completions", {
    key,
    vars,
    body: { model: "auto", messages: [{ role: "system", content: "Be brief." }, { role: "user", content }] },
  });
  expect(reply.status).toBe(200);
  return reply.headers.get("x-switchyard-decision");
}

describe("decisions.prompt (STORE_PROMPTS)", () => {
  it("keeps the prompt text routing saw for chat, completion and route requests when STORE_PROMPTS is true", async () => {
    const key = await seedLibrary();
    expect(await storedPrompt(await chatDecision(key, KEEP, "What is 2+2?"))).toBe("Be brief.\nWhat is 2+2?");

    const completion = await call("/v1/completions", { key, vars: KEEP, body: { model: "auto", prompt: ["one", "two"] } });
    expect(completion.status).toBe(200);
    expect(await storedPrompt(completion.headers.get("x-switchyard-decision"))).toBe("one\ntwo");

    const route = await call("/v1/route", { key, vars: KEEP, body: { messages: [{ role: "user", content: [{ type: "text", text: "parts" }] }] } });
    expect(route.status).toBe(200);
    expect(await storedPrompt(route.json<{ id: string }>().id)).toBe("parts");
  });

  it("keeps only the last 32 000 characters of a longer prompt", async () => {
    const key = await seedLongContext();
    const long = `${"h".repeat(5_000)}${"x".repeat(MAX_STORED_PROMPT_CHARS - 3)}end`;
    const stored = await storedPrompt(await chatDecision(key, KEEP, long));
    expect(stored).toHaveLength(MAX_STORED_PROMPT_CHARS);
    expect(stored?.startsWith("x")).toBe(true);
    expect(stored?.endsWith("xend")).toBe(true);
  });

  it("never cuts a character in half at the start of the kept tail", async () => {
    const key = await seedLongContext();
    // "😀" is two UTF-16 units; the cut falls between them, so the half is dropped.
    const stored = await storedPrompt(await chatDecision(key, KEEP, `😀${"y".repeat(MAX_STORED_PROMPT_CHARS - 1)}`));
    expect(stored).toBe("y".repeat(MAX_STORED_PROMPT_CHARS - 1));
  });

  it("stores null when STORE_PROMPTS is false (wrangler.toml's default) or unset", async () => {
    const key = await seedLibrary();
    // Explicit values: a developer's .dev.vars (which `npm start` sets to true) reaches this env too.
    expect(await storedPrompt(await chatDecision(key, { STORE_PROMPTS: "false" }, "secret one"))).toBeNull();
    expect(await storedPrompt(await chatDecision(key, { STORE_PROMPTS: undefined }, "secret two"))).toBeNull();
  });

  it("stores null for a pre-tokenised prompt, which has no text", async () => {
    const key = await seedLibrary();
    const route = await call("/v1/route", { key, vars: KEEP, body: { prompt: [1, 2, 3] } });
    expect(route.status).toBe(200);
    expect(await storedPrompt(route.json<{ id: string }>().id)).toBeNull();
  });
});
