/**
 * The circuit breaker per upstream, against real failing servers on loopback: it opens after failures
 * (or at once on a 503's Retry-After), is skipped without a try while open, lets one probe through when
 * half-open, and keeps its state in D1 so a fresh isolate sees it too.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { forgetBreakers } from "../../src/edge/upstream/breaker-board.ts";
import worker from "../../src/edge/worker.ts";
import { BREAKER_CONFIG } from "../../src/routing/circuit-breaker.ts";
import { admin, call } from "./support/edge-call.ts";
import { watchD1 } from "./support/watched-d1.ts";
import { faultHits, faultUpstream, seedLibrary, serveFrom } from "./support/test-library.ts";

const chat = { model: "auto", messages: [{ role: "user", content: "ping" }] };

async function breakerRow(upstream: string) {
  return env.DB.prepare("SELECT * FROM upstream_breakers WHERE upstream_id = ?").bind(upstream).first();
}

async function lastError(reply: { headers: Headers }): Promise<string> {
  const row = await env.DB.prepare("SELECT fallbacks_tried FROM decisions WHERE id = ?")
    .bind(reply.headers.get("x-switchyard-decision"))
    .first<{ fallbacks_tried: string }>();
  return (JSON.parse(row?.fallbacks_tried ?? "[]") as { error: string }[])[0]?.error ?? "";
}

/** Stands in for the cooldown passing: the row says it ended, and this isolate forgets its copy. */
async function endCooldown(upstream: string): Promise<void> {
  await env.DB.prepare("UPDATE upstream_breakers SET open_until = ? WHERE upstream_id = ?").bind(Date.now() - 1, upstream).run();
  forgetBreakers();
}

/** bench-llama on `failing`, bench-bamba on a healthy upstream. */
async function setUp(fault: "error500" | "hang" | "unavailable", tag: string): Promise<{ key: string; upstream: string }> {
  const key = await seedLibrary();
  const upstream = await faultUpstream(fault, tag, { timeoutMs: 300 });
  await serveFrom("bench-llama", upstream);
  await serveFrom("bench-bamba", await faultUpstream("healthy", tag));
  return { key, upstream };
}

describe("circuit breaker", () => {
  it("stops trying a failing upstream after the threshold, while every client still gets an answer", async () => {
    const { key, upstream } = await setUp("error500", "threshold");
    for (let i = 0; i < 20; i++) {
      const reply = await call("/v1/chat/completions", { key, body: chat });
      expect(reply.status).toBe(200);
      expect(reply.headers.get("x-switchyard-model")).toBe("bench-bamba");
    }
    expect(await faultHits("error500", "threshold")).toBe(BREAKER_CONFIG.threshold);
    expect(await breakerRow(upstream)).toMatchObject({ failures: BREAKER_CONFIG.threshold, last_error: "HTTP 500" });
  });

  it("skips an open breaker without paying the hanging upstream's timeout", async () => {
    const { key } = await setUp("hang", "skip");
    for (let i = 0; i < 8; i++) await call("/v1/chat/completions", { key, body: chat });
    expect(await faultHits("hang", "skip")).toBe(BREAKER_CONFIG.threshold);
    const reply = await call("/v1/chat/completions", { key, body: chat });
    expect(await lastError(reply)).toMatch(/^circuit open \(3 failures, last: no response within 300 ms\)/);
  });

  it("opens at once, for the asked time, when an upstream answers 503 with Retry-After", async () => {
    const { key, upstream } = await setUp("unavailable", "retry-after");
    const before = Date.now();
    for (let i = 0; i < 5; i++) await call("/v1/chat/completions", { key, body: chat });
    expect(await faultHits("unavailable", "retry-after")).toBe(1);
    const row = await breakerRow(upstream);
    expect(row?.cooldown_ms).toBe(30_000);
    expect(Number(row?.open_until)).toBeGreaterThanOrEqual(before + 30_000);
  });

  it("keeps its state in D1: an isolate that never saw the failures skips the upstream too", async () => {
    const { key } = await setUp("error500", "shared");
    for (let i = 0; i < BREAKER_CONFIG.threshold; i++) await call("/v1/chat/completions", { key, body: chat });
    forgetBreakers();
    await call("/v1/chat/completions", { key, body: chat });
    expect(await faultHits("error500", "shared")).toBe(BREAKER_CONFIG.threshold);
  });

  it("closes after a half-open probe succeeds", async () => {
    const { key, upstream } = await setUp("error500", "recovers");
    for (let i = 0; i < BREAKER_CONFIG.threshold; i++) await call("/v1/chat/completions", { key, body: chat });
    // The upstream recovers (same id, now a healthy server), and the cooldown passes.
    await admin("PUT", `/upstreams/${upstream}`, { baseUrl: `${env.UPSTREAMS.faults}/healthy/recovers-probe/v1` });
    await endCooldown(upstream);
    const reply = await call("/v1/chat/completions", { key, body: chat });
    expect(reply.headers.get("x-switchyard-model")).toBe("bench-llama");
    expect(await breakerRow(upstream)).toMatchObject({ failures: 0, open_until: null });
  });

  it("reopens for twice the cooldown when the probe fails", async () => {
    const { key, upstream } = await setUp("error500", "probe-fails");
    for (let i = 0; i < BREAKER_CONFIG.threshold; i++) await call("/v1/chat/completions", { key, body: chat });
    await endCooldown(upstream);
    await call("/v1/chat/completions", { key, body: chat });
    expect(await faultHits("error500", "probe-fails")).toBe(BREAKER_CONFIG.threshold + 1);
    expect(await breakerRow(upstream)).toMatchObject({ cooldown_ms: 2 * BREAKER_CONFIG.cooldownMs, probe_until: null });
  });

  it("lets exactly one of several concurrent requests probe a half-open upstream", async () => {
    const { key, upstream } = await setUp("hang", "one-probe");
    for (let i = 0; i < BREAKER_CONFIG.threshold; i++) await call("/v1/chat/completions", { key, body: chat });
    await endCooldown(upstream);
    const send = async () => {
      const ctx = createExecutionContext();
      const res = await worker.fetch(
        new Request("http://edge.test/v1/chat/completions", {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify(chat),
        }),
        env,
        ctx,
      );
      await res.text();
      await waitOnExecutionContext(ctx);
      return res.status;
    };
    expect(await Promise.all([send(), send(), send(), send()])).toEqual([200, 200, 200, 200]);
    expect(await faultHits("hang", "one-probe")).toBe(BREAKER_CONFIG.threshold + 1);
  });

  it("writes a burst of concurrent failures in one isolate as a few row writes, losing none of them", async () => {
    const { key, upstream } = await setUp("error500", "burst");
    const watched = watchD1(env.DB);
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const send = async () => {
      const ctx = createExecutionContext();
      const res = await worker.fetch(
        new Request("http://edge.test/v1/chat/completions", {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify(chat),
        }),
        { ...env, DB: watched.db },
        ctx,
      );
      await res.text();
      await waitOnExecutionContext(ctx);
      return res.status;
    };
    const burst = 40;
    // All sent together, so every request tries the failing upstream before any failure is known.
    expect(new Set(await Promise.all(Array.from({ length: burst }, send)))).toEqual(new Set([200]));
    expect(await faultHits("error500", "burst")).toBe(burst);
    expect(await breakerRow(upstream)).toMatchObject({ failures: burst, last_error: "HTTP 500" });
    expect(errors).not.toHaveBeenCalled();
    // Before coalescing: one compare-and-set per failure, plus a retry for each conflict among them.
    const breakerWrites = watched.statements.filter((sql) => /^\s*(insert|update)\b.*"upstream_breakers"/is.test(sql));
    expect(breakerWrites.length).toBeLessThanOrEqual(3);
  });

  it("answers 502 with Retry-After, at once, when every candidate's breaker is open", async () => {
    const key = await seedLibrary();
    await serveFrom("bench-llama", await faultUpstream("error500", "all-open"));
    for (let i = 0; i < BREAKER_CONFIG.threshold + 2; i++) {
      await call("/v1/chat/completions", { key, body: { ...chat, model: "bench-llama" } });
    }
    const reply = await call("/v1/chat/completions", { key, body: { ...chat, model: "bench-llama" } });
    expect(reply.status).toBe(502);
    expect(Number(reply.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await faultHits("error500", "all-open")).toBe(BREAKER_CONFIG.threshold);
  });

  it("shows an open breaker in /v1/route's reasons, by model", async () => {
    const { key } = await setUp("error500", "route");
    for (let i = 0; i < BREAKER_CONFIG.threshold; i++) await call("/v1/chat/completions", { key, body: chat });
    const reply = await call("/v1/route", { key, body: { prompt: "ping" } });
    const reasons = reply.json<{ decision: { reasons: string[] } }>().decision.reasons;
    expect(reasons).toContainEqual(expect.stringMatching(/^bench-llama: circuit open \(3 failures in a row\); skipped/));
    expect(reasons.join(" ")).not.toContain("error500-route");
  });
});
