import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cpuOps } from "../../src/engine/backends/cpu/index.ts";
import { loadCheckpoint } from "../../src/engine/checkpoint/load-checkpoint.ts";
import { benchmarkPromptIds, measureThroughput } from "../../src/engine/measure-throughput.ts";
import { createModel } from "../../src/engine/models/registry.ts";

describe("measureThroughput", () => {
  it("reports finite positive rates whose decode rate matches its step time", async () => {
    const model = createModel(await loadCheckpoint(join(import.meta.dirname, "../fixtures/reference/mamba")), cpuOps);
    const t = await measureThroughput(model, 16, 5);
    expect(Object.keys(t).sort()).toEqual(["decodeMsPerTok", "decodeTokPerS", "prefillTokPerS"]);
    for (const v of Object.values(t)) expect(Number.isFinite(v) && v > 0).toBe(true);
    expect(t.decodeTokPerS * t.decodeMsPerTok).toBeCloseTo(1000, 6);
    await expect(measureThroughput(model, 0, 5)).rejects.toThrow(RangeError);
  });

  it("uses the same prompt ids every time, inside the vocabulary", () => {
    const ids = benchmarkPromptIds(100, 37);
    expect(benchmarkPromptIds(100, 37)).toEqual(ids);
    expect(ids.every((id) => id >= 0 && id < 37)).toBe(true);
    expect(new Set(ids).size).toBeGreaterThan(10);
  });

  it("gives the ids of bench/gpu/hf_bench.py's benchmark_ids, which the HF reference NLL is taken over", () => {
    // python3: s = 12345; s = (s * 1103515245 + 12345) % 2**31; s % 128256, eight times
    expect(benchmarkPromptIds(8, 128256)).toEqual([92542, 93407, 45868, 90101, 49034, 107771, 80920, 54129]);
    // far into the sequence, where products pass 2⁵³
    expect(benchmarkPromptIds(2048, 2 ** 31).slice(-1)).toEqual([1692788793]);
  });
});
