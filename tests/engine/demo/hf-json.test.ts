import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hfJson, pythonFloat } from "../../../src/engine/demo/hf-json.ts";

describe("hfJson", () => {
  it.each([
    [1, "1.0"],
    [0, "0.0"],
    [-0, "-0.0"],
    [1e-5, "1e-05"],
    [0.0001, "0.0001"],
    [0.02, "0.02"],
    [10000, "10000.0"],
    [500000, "500000.0"],
    [1e16, "1e+16"],
    [123456789012345678, "1.2345678901234568e+17"],
    [1.5e-7, "1.5e-07"],
  ])("writes the float %s as Python's repr does: %s", (x, text) => {
    expect(pythonFloat(x)).toBe(text);
  });

  it("rewrites an HF-written config.json byte for byte", () => {
    const path = join(import.meta.dirname, "../../fixtures/reference/llama-rope-llama3/config.json");
    const text = readFileSync(path, "utf8");
    const floats = new Set(["attention_dropout", "initializer_range", "rms_norm_eps", "factor", "high_freq_factor", "low_freq_factor", "rope_theta"]);
    expect(hfJson(JSON.parse(text), floats)).toBe(text);
  });

  it("writes empty containers inline and refuses non-finite floats", () => {
    expect(hfJson({ b: [], a: {} })).toBe('{\n  "a": {},\n  "b": []\n}\n');
    expect(() => pythonFloat(Number.POSITIVE_INFINITY)).toThrow(/__float__/);
  });
});
