import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/edge/worker.ts";
import { seedLibrary } from "./support/test-library.ts";

async function routeWith(bindings: Record<string, string>, key: string): Promise<string> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request("http://edge.test/v1/route", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ prompt: "hi" }),
    }),
    { ...env, ...bindings },
    ctx,
  );
  const { id } = await res.json<{ id: string }>();
  await waitOnExecutionContext(ctx);
  return id;
}

const rowCount = async (id: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM decisions WHERE id = ?").bind(id).first<{ n: number }>())?.n;

describe("decision log", () => {
  it("writes the row of every one of several concurrent requests, exactly once", async () => {
    const key = await seedLibrary();
    const ids = await Promise.all([1, 2, 3, 4, 5].map(() => routeWith({ DECISION_BATCH_MS: "50" }, key)));
    for (const id of ids) expect(await rowCount(id)).toBe(1);
  });

  it("writes nothing with DECISION_LOG=off", async () => {
    const key = await seedLibrary();
    const id = await routeWith({ DECISION_LOG: "off" }, key);
    expect(await rowCount(id)).toBe(0);
  });
});
