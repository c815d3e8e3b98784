import { describe, expect, it } from "vitest";
import { publishStatements } from "../../src/router/publish-sql.ts";

const meta = { version: "router-test", createdAt: 1, featureVersion: "f", modelIds: ["a", "b's"], metrics: { note: "it's" } };

describe("publishStatements", () => {
  const blob = Uint8Array.from({ length: 100_001 }, (_, i) => (i * 7) % 256);
  const sql = publishStatements(meta, blob, true);

  it("keeps every statement under D1's 100 KB limit", () => {
    for (const s of sql) expect(s.length).toBeLessThan(100_000);
  });

  it("appends chunks that reassemble to the exact ONNX bytes", () => {
    const hex = sql.flatMap((s) => [...s.matchAll(/onnx \|\| X'([0-9a-f]*)'/g)].map((m) => m[1] ?? "")).join("");
    const bytes = Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
    expect(bytes).toEqual(blob);
  });

  it("quotes text values and activates only the new version", () => {
    expect(sql[0]).toContain(`'["a","b''s"]'`);
    expect(sql.at(-1)).toBe("UPDATE router_versions SET active = (version = 'router-test');");
    expect(publishStatements(meta, blob, false).some((s) => s.includes("active = (version"))).toBe(false);
  });
});
