import { describe, expect, it, vi } from "vitest";
import { call } from "./support/edge-call.ts";
import { seedLibrary } from "./support/test-library.ts";

function jsonLines(spy: { mock: { calls: unknown[][] } }): Record<string, unknown>[] {
  return spy.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
}

describe("structured request logs", () => {
  it("prints one JSON line per request with its id, status, key and the model that served it", async () => {
    const key = await seedLibrary();
    const logged = vi.spyOn(console, "log").mockImplementation(() => {});
    const reply = await call("/v1/chat/completions", { key, body: { model: "auto", messages: [{ role: "user", content: "hi" }] }, vars: { LOG_LEVEL: "info" } });
    const lines = jsonLines(logged).filter((l) => l.msg === "request");
    expect(lines).toEqual([
      expect.objectContaining({
        level: "info",
        request_id: reply.headers.get("x-request-id"),
        method: "POST",
        path: "/v1/chat/completions",
        status: 200,
        model: "bench-llama",
        key_id: expect.stringMatching(/^key_/),
        ms: expect.any(Number),
      }),
    ]);
    expect(Date.parse(String(lines[0]?.time))).not.toBeNaN();
  });

  it("prints nothing below LOG_LEVEL", async () => {
    const logged = vi.spyOn(console, "log").mockImplementation(() => {});
    await call("/healthz", { vars: { LOG_LEVEL: "warn" } });
    await call("/healthz", { vars: { LOG_LEVEL: "off" } });
    expect(jsonLines(logged)).toEqual([]);
  });
});
