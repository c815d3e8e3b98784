// A mixture-of-experts card through the admin library API and /v1/models (the D1 active_params column).
import { describe, expect, it } from "vitest";
import { ModelCardSchema } from "../../src/routing/model-card.ts";
import { admin, call, type ErrorReply } from "./support/edge-call.ts";
import { seedLibrary, testModels } from "./support/test-library.ts";

describe("admin models with activeParams", () => {
  it("round-trips activeParams through D1 into /v1/models, and clears it when a card without one replaces it", async () => {
    const key = await seedLibrary();
    const base = testModels()[0]!;
    const card = { ...base, id: "moe-model", activeParams: Math.floor(base.params / 4) };
    expect(await admin("PUT", "/models/moe-model", card)).toEqual(card);
    expect(await admin("GET", "/models/moe-model")).toEqual(card);
    const listed = (await call("/v1/models", { key })).json<{ data: { id: string; card?: unknown }[] }>();
    const served = ModelCardSchema.strict().parse(listed.data.find((m) => m.id === "moe-model")?.card);
    expect(served.activeParams).toBe(card.activeParams);

    const { activeParams: _a, ...dense } = card;
    await admin("PUT", "/models/moe-model", dense);
    expect(await admin("GET", "/models/moe-model")).not.toHaveProperty("activeParams");
  });

  it("refuses activeParams above params with 400 naming activeParams", async () => {
    await seedLibrary();
    const base = testModels()[0]!;
    const reply = await call("/admin/models/bad-moe", {
      method: "PUT",
      admin: true,
      body: { ...base, id: "bad-moe", activeParams: base.params + 1 },
    });
    expect(reply.status).toBe(400);
    const { error } = reply.json<ErrorReply>();
    expect(error).toMatchObject({ type: "invalid_request_error", code: "invalid_request", param: "activeParams" });
    expect(error.message).toContain(`activeParams (${base.params + 1}) must not exceed params (${base.params})`);
    expect((await call("/admin/models/bad-moe", { admin: true })).status).toBe(404);
  });
});
