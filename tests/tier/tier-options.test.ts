import { describe, expect, it } from "vitest";
import { parseTierOptions } from "../../src/tier/tier-options.ts";

describe("parseTierOptions", () => {
  it("fills every default when no flag is given", () => {
    expect(parseTierOptions([])).toEqual({
      models: ".switchyard/models",
      host: "127.0.0.1",
      port: 8788,
      concurrency: 1,
      maxQueue: 8,
      maxWaitMs: 120_000,
      defaultMaxTokens: 256,
      drainMs: 10_000,
      calibrate: 0,
      backend: "auto",
      kvTokens: 32_768,
    });
  });

  it("takes a backend by name and a KV-cache capacity, and refuses others", () => {
    expect(parseTierOptions(["--backend", "cuda", "--kv-tokens", "4096"])).toMatchObject({ backend: "cuda", kvTokens: 4096 });
    expect(() => parseTierOptions(["--backend", "tpu"])).toThrow(/--backend/);
    expect(() => parseTierOptions(["--kv-tokens", "0"])).toThrow(/--kv-tokens/);
  });

  it("reads --flag value and --flag=value forms", () => {
    const o = parseTierOptions(["--models", "a,b", "--port=0", "--max-queue", "0", "--concurrency", "2"]);
    expect(o).toMatchObject({ models: "a,b", port: 0, maxQueue: 0, concurrency: 2 });
  });

  it("names the flag of a bad value", () => {
    expect(() => parseTierOptions(["--concurrency", "0"])).toThrow(/--concurrency/);
    expect(() => parseTierOptions(["--max-wait-ms", "soon"])).toThrow(/--max-wait-ms/);
    expect(() => parseTierOptions(["--port", "70000"])).toThrow(/--port/);
  });

  it("refuses an unknown flag", () => {
    expect(() => parseTierOptions(["--modles", "x"])).toThrow(/modles/);
  });
});
