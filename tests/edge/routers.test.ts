import { env } from "cloudflare:workers";
import * as ort from "onnxruntime-web/wasm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { openDatabase } from "../../src/db/database.ts";
import { loadLibrary } from "../../src/db/queries-library.ts";
import { invalidateRouter } from "../../src/edge/predictor.ts";
import { planRoute } from "../../src/edge/routing-plan.ts";
import { featurize } from "../../src/router/features.ts";
import { exportOnnx } from "../../src/router/onnx-export.ts";
import { trainRouter, type TrainExample } from "../../src/router/train.ts";
import type { QualityPredictor } from "../../src/routing/quality-predictor.ts";
import { admin, call, type ErrorReply } from "./support/edge-call.ts";
import { seedLibrary } from "./support/test-library.ts";

// A router trained here on a tiny inline dataset: bench-mamba is clearly best on prompts about zebras,
// bench-bamba on prompts about quokkas, bench-llama (the highest card prior) on neither. With the prior
// alone bench-llama always wins, so the picks below can only come from the learned router.
const MODELS = ["bench-mamba", "bench-bamba", "bench-llama"];
const TOPICS = ["history", "diet", "habitat", "speed", "colour", "sleep", "family", "size"];

function examples(): TrainExample[] {
  return TOPICS.flatMap((t) => [
    { x: featurize(`tell me about the zebra ${t}`), y: Float32Array.from([0.95, 0.1, 0.1]) },
    { x: featurize(`a question on zebra ${t} please`), y: Float32Array.from([0.95, 0.1, 0.1]) },
    { x: featurize(`tell me about the quokka ${t}`), y: Float32Array.from([0.1, 0.95, 0.1]) },
    { x: featurize(`a question on quokka ${t} please`), y: Float32Array.from([0.1, 0.95, 0.1]) },
  ]);
}

let onnxBase64 = "";

beforeAll(() => {
  const data = examples();
  const { model } = trainRouter(data, MODELS, { hidden: 16, embed: 8, epochs: 40, lr: 1e-2, dropout: 0, weightDecay: 0 });
  onnxBase64 = Buffer.from(exportOnnx(model, "zq-1")).toString("base64");
});

afterEach(async () => {
  // Leave no router behind for the other tests (the API refuses to delete the active one, by design).
  await env.DB.prepare("DELETE FROM router_versions").run();
  invalidateRouter();
});

function publish(version: string, extra: Record<string, unknown> = {}) {
  return call(`/admin/routers/${version}`, {
    method: "PUT",
    admin: true,
    body: { model_ids: MODELS, metrics: { note: "test" }, created_at: 1, onnx_base64: onnxBase64, active: true, ...extra },
  });
}

/** An active router whose graph is not ONNX, written straight to D1 past the admin API's check, as a hand-edited row would be. */
async function activateBrokenRouter(version: string): Promise<void> {
  await env.DB.prepare("INSERT INTO router_versions (version, created_at, model_ids, metrics, onnx, active) VALUES (?, 1, ?, '{}', ?, 1)")
    .bind(version, JSON.stringify(MODELS), new TextEncoder().encode("not an onnx graph"))
    .run();
}

interface RouteReply {
  id: string;
  model: string;
  router_version: string;
  decision: { candidates: { id: string; quality: number }[] };
}

async function route(key: string, prompt: string): Promise<RouteReply> {
  const reply = await call("/v1/route", { key, body: { prompt } });
  expect(reply.status).toBe(200);
  return reply.json<RouteReply>();
}

describe("the learned router in the request path", () => {
  it("routes by the published router's predictions and names its version", async () => {
    const key = await seedLibrary();
    expect((await route(key, "tell me about the zebra diet")).router_version).toBe("prior");
    expect((await route(key, "tell me about the zebra diet")).model).toBe("bench-llama");

    const put = await publish("zq-1");
    expect(put.status).toBe(201);
    expect(put.json()).toMatchObject({ version: "zq-1", active: true, modelIds: MODELS, metrics: { note: "test" } });

    const zebra = await route(key, "tell me about the zebra diet");
    expect(zebra).toMatchObject({ router_version: "zq-1", model: "bench-mamba" });
    const quokka = await route(key, "a question on quokka habitat please");
    expect(quokka).toMatchObject({ router_version: "zq-1", model: "bench-bamba" });
    const row = await env.DB.prepare("SELECT router_version, chosen FROM decisions WHERE id = ?").bind(quokka.id).first();
    expect(row).toEqual({ router_version: "zq-1", chosen: "bench-bamba" });

    const chat = await call("/v1/chat/completions", {
      key,
      body: { model: "auto", messages: [{ role: "user", content: "tell me about the zebra speed" }] },
    });
    expect(chat.status).toBe(200);
    expect(chat.headers.get("x-switchyard-model")).toBe("bench-mamba");
    const chatRow = await env.DB.prepare("SELECT router_version FROM decisions WHERE id = ?").bind(chat.headers.get("x-switchyard-decision")).first();
    expect(chatRow).toEqual({ router_version: "zq-1" });
  });

  it("keeps exactly one active version, switches on activate, and refuses to delete the active one", async () => {
    const key = await seedLibrary();
    expect((await publish("zq-1")).status).toBe(201);
    expect((await publish("zq-2")).status).toBe(201);
    const list = await admin<{ data: { version: string; active: boolean; onnxBytes: number }[] }>("GET", "/routers");
    expect(list.data.map((r) => [r.version, r.active])).toEqual([["zq-1", false], ["zq-2", true]].sort());
    expect(list.data[0]).not.toHaveProperty("onnx");
    expect(list.data[0]?.onnxBytes).toBeGreaterThan(1000);
    expect((await route(key, "zebra")).router_version).toBe("zq-2");

    await admin("POST", "/routers/zq-1/activate");
    expect((await admin<{ active: boolean }>("GET", "/routers/zq-2")).active).toBe(false);
    expect((await route(key, "zebra")).router_version).toBe("zq-1");

    const refused = await call("/admin/routers/zq-1", { method: "DELETE", admin: true });
    expect(refused.status).toBe(409);
    expect(refused.json<ErrorReply>().error.code).toBe("conflict");
    expect(await admin("DELETE", "/routers/zq-2")).toMatchObject({ version: "zq-2", deleted: true });
    expect((await call("/admin/routers/zq-2", { admin: true })).status).toBe(404);
    expect((await call("/admin/routers/nope/activate", { method: "POST", admin: true })).status).toBe(404);
    expect((await route(key, "zebra")).router_version).toBe("zq-1");
  });

  it("replaces a version published again: its graph, model ids and metrics, keeping its active flag when active is false", async () => {
    await seedLibrary();
    expect((await publish("zq-1")).status).toBe(201);
    // The same weights exported under another name: other bytes, still a graph that runs.
    const { model } = trainRouter(examples(), MODELS, { hidden: 16, embed: 8, epochs: 1, lr: 1e-2, dropout: 0, weightDecay: 0 });
    const second = exportOnnx(model, "zq-1-retrained");
    const again = await publish("zq-1", { model_ids: [...MODELS].reverse(), metrics: { note: "second" }, onnx_base64: Buffer.from(second).toString("base64"), active: false });
    expect(again.status).toBe(200);
    expect(again.json()).toMatchObject({ version: "zq-1", active: true, modelIds: [...MODELS].reverse(), metrics: { note: "second" } });
    const row = await env.DB.prepare("SELECT hex(onnx) AS onnx FROM router_versions WHERE version = 'zq-1'").first<{ onnx: string }>();
    expect(row?.onnx).toBe(Buffer.from(second).toString("hex").toUpperCase());
  });

  it("frees each ORT session it stops using: the publish check's, and the version a newer one replaces", async () => {
    const created = vi.spyOn(ort.InferenceSession, "create");
    // Typed as a factory, InferenceSession is a class at run time: its sessions share this prototype.
    const sessions = (ort.InferenceSession as unknown as { prototype: ort.InferenceSession }).prototype;
    const released = vi.spyOn(sessions, "release");
    const key = await seedLibrary();
    await publish("zr-1");
    expect((await route(key, "zebra")).router_version).toBe("zr-1");
    await publish("zr-2");
    expect((await route(key, "zebra")).router_version).toBe("zr-2");
    const [check1, load1, check2, load2] = await Promise.all(created.mock.results.map((r) => r.value as Promise<ort.InferenceSession>));
    await vi.waitFor(() => expect(new Set(released.mock.contexts).has(load1)).toBe(true));
    const freed = new Set(released.mock.contexts);
    expect([check1, load1, check2, load2].map((s) => freed.has(s))).toEqual([true, true, true, false]);
  });

  it("stores without activating when active is false, and routes by the prior until activated", async () => {
    const key = await seedLibrary();
    expect((await publish("zq-3", { active: false })).json()).toMatchObject({ active: false });
    expect((await route(key, "tell me about the zebra diet")).router_version).toBe("prior");
    await admin("POST", "/routers/zq-3/activate");
    expect(await route(key, "tell me about the zebra diet")).toMatchObject({ router_version: "zq-3", model: "bench-mamba" });
  });
});

describe("a router that cannot run", () => {
  it("never fails a request: the active row's graph is broken, so the card prior routes and is recorded", async () => {
    const key = await seedLibrary();
    await activateBrokenRouter("broken-1");
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const r = await route(key, "tell me about the zebra diet");
    expect(r).toMatchObject({ router_version: "prior", model: "bench-llama" });
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('"msg":"router broken-1: cannot load, using the card prior: '));
    const row = await env.DB.prepare("SELECT router_version FROM decisions WHERE id = ?").bind(r.id).first();
    expect(row).toEqual({ router_version: "prior" });
  });

  it("does not load the router for a request whose order is fixed: a named model or a models list", async () => {
    const key = await seedLibrary();
    // A broken active router logs when anything tries to load it.
    await activateBrokenRouter("broken-2");
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    for (const body of [{ model: "bench-mamba", prompt: "zebra" }, { model: "auto", models: ["bench-bamba", "bench-llama"], prompt: "zebra" }]) {
      const reply = await call("/v1/route", { key, body });
      expect(reply.status).toBe(200);
      expect(reply.json<RouteReply>()).toMatchObject({ router_version: "prior", model: body.model === "auto" ? "bench-bamba" : "bench-mamba" });
    }
    expect(logged).not.toHaveBeenCalled();
    await route(key, "zebra");
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('"msg":"router broken-2: cannot load'));
  });

  it("falls back to the prior for the one request whose prediction throws, naming the prior in the plan", async () => {
    await seedLibrary();
    const library = await loadLibrary(openDatabase(env.DB));
    const failing: QualityPredictor = { version: "flaky-1", predict: () => Promise.reject(new Error("session lost")) };
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const plan = await planRoute({
      library,
      model: "auto",
      flagsHeader: undefined,
      flagsBody: undefined,
      models: undefined,
      uses: [],
      prompt: { text: "hi", promptTokens: 1, maxTokens: 16 },
      predictor: failing,
      now: new Date(),
    });
    expect(plan.routerVersion).toBe("prior");
    expect(plan.decision.chosen).toBe("bench-llama");
    const lines = logged.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
    expect(lines).toContainEqual(expect.objectContaining({ level: "error", msg: "router flaky-1 failed, this request uses the card prior: session lost", router_version: "flaky-1" }));
  });
});

describe("router admin validation", () => {
  it("answers 400 for a bad body, a bad version or a graph that does not run, and 413 past the size bound", async () => {
    await seedLibrary();
    const cases: [string, Record<string, unknown>, string | null][] = [
      ["zq-x", { model_ids: [] }, "model_ids"],
      ["zq-x", { model_ids: ["a", "a"] }, "model_ids"],
      ["zq-x", { onnx_base64: "not base64!" }, "onnx_base64"],
      ["zq-x", { extra: 1 }, null],
      ["zq-x", { onnx_base64: btoa("not an onnx graph") }, "onnx_base64"],
      ["bad%20version", {}, null],
    ];
    for (const [version, extra, param] of cases) {
      const reply = await publish(version, extra);
      expect(reply.status, JSON.stringify(extra)).toBe(400);
      const { error } = reply.json<ErrorReply>();
      expect(error.type).toBe("invalid_request_error");
      if (param) expect(error.param).toBe(param);
    }
    const huge = await publish("zq-x", { onnx_base64: "A".repeat(2_100_000) });
    expect(huge.status).toBe(413);
    expect(huge.json<ErrorReply>().error).toMatchObject({ code: "payload_too_large", param: "onnx_base64" });
    expect((await admin<{ data: unknown[] }>("GET", "/routers")).data).toEqual([]);
    expect((await call("/admin/routers", { admin: false })).status).toBe(401);
  });
});
