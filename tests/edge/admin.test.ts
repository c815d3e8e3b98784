import { describe, expect, it } from "vitest";
import { admin, call, type ErrorReply } from "./support/edge-call.ts";
import { seedLibrary, testModels } from "./support/test-library.ts";

describe("admin CRUD", () => {
  it("creates, reads, lists, replaces and deletes a model", async () => {
    await seedLibrary();
    const card = { ...(testModels()[0] as object), id: "extra-model", qualityPrior: 0.9 };
    expect(await admin("PUT", "/models/extra-model", card)).toMatchObject({ id: "extra-model", qualityPrior: 0.9 });
    expect(await admin("GET", "/models/extra-model")).toEqual(card);
    const list = await admin<{ data: { id: string }[] }>("GET", "/models");
    expect(list.data.map((m) => m.id)).toContain("extra-model");
    await admin("PUT", "/models/extra-model", { ...card, qualityPrior: 0.1 });
    expect(await admin("GET", "/models/extra-model")).toMatchObject({ qualityPrior: 0.1 });
    expect(await admin("DELETE", "/models/extra-model")).toMatchObject({ id: "extra-model", deleted: true });
    expect((await call("/admin/models/extra-model", { admin: true })).status).toBe(404);
  });

  it("takes the id from the path when the body omits it, and refuses a different one", async () => {
    await seedLibrary();
    const { id: _id, ...card } = testModels()[0] as { id: string };
    expect(await admin("PUT", "/models/from-path", card)).toMatchObject({ id: "from-path" });
    const reply = await call("/admin/models/from-path", { method: "PUT", admin: true, body: { ...card, id: "other" } });
    expect(reply.status).toBe(400);
    expect(reply.json<ErrorReply>().error.param).toBe("id");
  });

  it("refuses a model whose upstream does not exist", async () => {
    await seedLibrary();
    const reply = await call("/admin/models/orphan", {
      method: "PUT",
      admin: true,
      body: { ...testModels()[0], id: "orphan", upstream: "nowhere" },
    });
    expect(reply.status).toBe(400);
    expect(reply.json<ErrorReply>().error).toMatchObject({ code: "invalid_request", param: "upstream" });
  });

  it("names a bad card field", async () => {
    await seedLibrary();
    const reply = await call("/admin/models/bad", {
      method: "PUT",
      admin: true,
      body: { ...testModels()[0], id: "bad", family: "rnn" },
    });
    expect(reply.status).toBe(400);
    expect(reply.json<ErrorReply>().error.param).toBe("family");
  });

  it("refuses to delete an upstream that still serves models, with 409", async () => {
    await seedLibrary();
    const reply = await call("/admin/upstreams/a", { method: "DELETE", admin: true });
    expect(reply.status).toBe(409);
    expect(reply.json<ErrorReply>().error.message).toContain("bench-llama");
    expect(await admin("DELETE", "/upstreams/b")).toMatchObject({ id: "b", deleted: true });
  });

  it("stores an upstream's secret name, never a key", async () => {
    await seedLibrary();
    const reply = await call("/admin/upstreams/x", {
      method: "PUT",
      admin: true,
      body: { baseUrl: "http://127.0.0.1:1/v1", secretName: "sk-live-looks-like-a-key" },
    });
    expect(reply.status).toBe(400);
    expect(reply.json<ErrorReply>().error.param).toBe("secretName");
  });

  it("validates a policy's flags with the routing schema and names the bad one", async () => {
    await seedLibrary();
    expect(await admin("PUT", "/policies/quick", { flags: { latency: 2 } })).toMatchObject({ name: "quick" });
    const bad = await call("/admin/policies/typo", { method: "PUT", admin: true, body: { flags: { latncy: 1 } } });
    expect(bad.status).toBe(400);
    expect(bad.json<ErrorReply>().error.param).toBe("flags.latncy");
    expect(await admin("DELETE", "/policies/quick")).toMatchObject({ name: "quick", deleted: true });
  });
});
