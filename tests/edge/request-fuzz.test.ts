/**
 * Property-based fuzzing of every endpoint, in-process (the Worker's own fetch inside workerd, no network):
 * ≥ 10,000 generated requests — wrong methods, keys and tokens; bodies that are bytes, any JSON, or near
 * misses of valid OpenAI requests; odd flag and timeout headers. Every answer is below 500; every refusal
 * is in the OpenAI error shape; and a refused request writes nothing to D1. The writes are counted on the
 * real D1 binding, statement by statement, for each request alone.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import worker from "../../src/edge/worker.ts";
import { watchD1 } from "./support/watched-d1.ts";
import { seedLibrary } from "./support/test-library.ts";

const RUNS = 10_000;

const text = fc.string({ maxLength: 40 });
const json = fc.jsonValue({ maxDepth: 3 });
const roleArb = fc.oneof(fc.constantFrom("user", "system", "assistant", "tool", ""), text);
const contentArb = fc.oneof(
  text,
  fc.constant(null),
  fc.array(fc.record({ type: fc.oneof(fc.constant("text"), text), text: fc.oneof(text, json) }, { requiredKeys: [] }), { maxLength: 3 }),
  json,
);
const messageArb = fc.oneof(fc.record({ role: roleArb, content: contentArb }, { requiredKeys: [] }), json);
const modelArb = fc.oneof(fc.constantFrom("auto", "auto:nope", "bench-llama", "bench-mamba", "no-such", ""), text, json);
const flagsArb = fc.oneof(
  fc.dictionary(fc.constantFrom("latency", "size", "cost", "families", "max_params", "allow", "min_context", "bogus"), json, { maxKeys: 3 }),
  json,
);
const limitArb = fc.oneof(fc.integer({ min: -5, max: 10_000_000 }), json);

/** Valid requests of each endpoint, the seeds the mutations start from. */
const userMessage = fc.record({ role: fc.constantFrom("user", "system", "assistant"), content: text });
const validFlags = fc.record(
  { latency: fc.double({ min: 0, max: 5, noNaN: true }), size: fc.double({ min: 0, max: 5, noNaN: true }), families: fc.subarray(["ssm", "hybrid", "transformer"], { minLength: 1 }) },
  { requiredKeys: [] },
);
const validChat = fc.record(
  {
    model: fc.constantFrom("auto", "bench-llama", "bench-mamba"),
    messages: fc.array(userMessage, { minLength: 1, maxLength: 3 }),
    stream: fc.boolean(),
    max_tokens: fc.integer({ min: 1, max: 2_000 }),
    routing: validFlags,
  },
  { requiredKeys: ["model", "messages"] },
);
const validCompletion = fc.record(
  { model: fc.constantFrom("auto", "bench-bamba"), prompt: fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 3 })), stream: fc.boolean() },
  { requiredKeys: ["model", "prompt"] },
);
const validOthers = fc.oneof(
  fc.record({ prompt: text, routing: validFlags }, { requiredKeys: ["prompt"] }),
  fc.record({ decision_id: fc.constant("req_missing"), score: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ name: text, scopes: fc.subarray(["infer", "completions", "route", "models", "feedback", "admin"], { minLength: 1 }) }, { requiredKeys: ["name"] }),
  fc.record({ flags: validFlags, description: text }, { requiredKeys: ["flags"] }),
  fc.record({ baseUrl: fc.constant("http://127.0.0.1:1/v1"), timeoutMs: fc.integer({ min: -10, max: 700_000 }) }),
);
const validBody = fc.oneof(validChat, validCompletion, validOthers) as fc.Arbitrary<Record<string, unknown>>;

/** A valid body with one field replaced, removed or added: the near misses that find edge cases. */
const mutatedBody = fc
  .tuple(validBody, fc.constantFrom("replace", "remove", "add"), fc.nat(), fc.oneof(text, fc.constantFrom("messages", "prompt", "routing", "model", "stream", "max_tokens", "role", "content")), json)
  .map(([body, how, pick, field, value]) => {
    const keys = Object.keys(body);
    const target = keys.length > 0 ? (keys[pick % keys.length] as string) : field;
    const copy: Record<string, unknown> = { ...body };
    if (how === "remove") delete copy[target];
    else if (how === "replace") copy[target] = value;
    else copy[field] = value;
    return copy;
  });

const bodyArb = fc.oneof(
  { weight: 4, arbitrary: validBody.map((b) => JSON.stringify(b)) },
  { weight: 6, arbitrary: mutatedBody.map((b) => JSON.stringify(b)) },
  { weight: 2, arbitrary: json.map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 60 }) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

/** Every route with its method and the credential it wants; a request mostly uses them, sometimes not. */
const ENDPOINTS = [
  ["POST", "/v1/chat/completions", "key"],
  ["POST", "/v1/completions", "key"],
  ["POST", "/v1/route", "key"],
  ["POST", "/v1/feedback", "key"],
  ["GET", "/v1/models", "key"],
  ["GET", "/healthz", "none"],
  ["GET", "/admin/upstreams", "admin"],
  ["PUT", "/admin/upstreams/fuzz", "admin"],
  ["PUT", "/admin/models/fuzz", "admin"],
  ["PUT", "/admin/policies/fuzz", "admin"],
  ["DELETE", "/admin/policies/fuzz", "admin"],
  ["POST", "/admin/keys", "admin"],
  ["DELETE", "/admin/keys/key_nope", "admin"],
  ["PUT", "/admin/routers/fuzz", "admin"],
  ["POST", "/admin/routers/fuzz/activate", "admin"],
  ["DELETE", "/admin/routers/fuzz", "admin"],
  ["GET", "/admin/outcomes/export?limit=0", "admin"],
  ["GET", "/admin/outcomes/export?cursor=%ZZ", "admin"],
  ["GET", "/admin/outcomes/export?since=-1&source=x", "admin"],
] as const;
type Auth = "key" | "route-key" | "admin" | "wrong" | "none" | "malformed";

const routeArb = fc.oneof(
  { weight: 9, arbitrary: fc.constantFrom(...ENDPOINTS).map(([method, path, auth]) => ({ method: method as string, path: path as string, auth: auth as Auth })) },
  { weight: 1, arbitrary: fc.record({ method: fc.constantFrom("GET", "POST"), path: fc.webPath().map((p) => `/${p.replace(/^\/+/, "")}`), auth: fc.constant<Auth>("key") }) },
);

/** `arb` one time in `oneIn`, else undefined. */
const sometimes = <T>(arb: fc.Arbitrary<T>, oneIn: number) =>
  fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

const requestArb = fc
  .record({
    route: routeArb,
    otherMethod: sometimes(fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"), 10),
    otherAuth: sometimes(fc.constantFrom<Auth>("key", "route-key", "admin", "wrong", "none", "malformed"), 6),
    body: bodyArb,
    contentType: fc.constantFrom("application/json", "application/json", "text/plain", undefined),
    flagsHeader: sometimes(fc.oneof(fc.constant("latency=1,families=ssm|hybrid"), fc.string({ maxLength: 30 })), 5),
    timeoutsHeader: sometimes(fc.oneof(fc.constant("headers=1000"), fc.string({ maxLength: 20 })), 5),
  })
  .map(({ route, otherMethod, otherAuth, ...rest }) => ({
    ...rest,
    method: otherMethod ?? route.method,
    path: route.path,
    auth: otherAuth ?? route.auth,
  }));

describe("request fuzzing", () => {
  it(`answers ${RUNS} generated requests with no 5xx, the OpenAI error shape on every refusal, and no write from a refusal`, async () => {
    const key = await seedLibrary();
    const routeKey = (await (await worker.fetch(
      new Request("http://edge.test/admin/keys", {
        method: "POST",
        headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "fuzz-route", scopes: ["route"] }),
      }),
      env,
      createExecutionContext(),
    )).json<{ key: string }>()).key;
    const tokens: Record<Auth, string | undefined> = {
      key: `Bearer ${key}`,
      "route-key": `Bearer ${routeKey}`,
      admin: `Bearer ${env.ADMIN_TOKEN}`,
      wrong: "Bearer sk-switchyard-0000",
      none: undefined,
      malformed: "Basic Zm9vOmJhcg==",
    };

    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        const headers = new Headers();
        const token = tokens[r.auth];
        if (token) headers.set("authorization", token);
        if (r.contentType) headers.set("content-type", r.contentType);
        if (r.flagsHeader !== undefined) headers.set("x-switchyard-flags", r.flagsHeader);
        if (r.timeoutsHeader !== undefined) headers.set("x-switchyard-timeouts", r.timeoutsHeader);
        const hasBody = r.method !== "GET" && r.method !== "HEAD" && r.body !== undefined;
        const watched = watchD1(env.DB);
        const ctx = createExecutionContext();
        const res = await worker.fetch(
          new Request(`http://edge.test${r.path}`, { method: r.method, headers, body: hasBody ? r.body : undefined }),
          { ...env, DB: watched.db, DECISION_BATCH_MS: "0" },
          ctx,
        );
        const body = await res.text();
        await waitOnExecutionContext(ctx);
        expect(res.status, body).toBeLessThan(500);
        // A refusal by the edge itself (an upstream's own 4xx carries the decision header and is routed).
        if (res.status >= 400 && !res.headers.has("x-switchyard-decision")) {
          expect(watched.changes).toBe(0);
          if (r.method === "HEAD") return;
          const { error } = JSON.parse(body) as { error: Record<string, unknown> };
          expect(typeof error.message).toBe("string");
          expect(typeof error.type).toBe("string");
          expect(typeof error.code).toBe("string");
          expect(error.param === null || typeof error.param === "string").toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  }, 280_000);
});
