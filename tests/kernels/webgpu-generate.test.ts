import { beforeAll, describe, expect, it } from "vitest";
import { type CheckRun, checkTimeoutMs, misses, runCheck } from "./webgpu/run-check.ts";

const archs = ["llama", "mamba2"];

// generate() under Deno's WebGPU (lavapipe on CPU-only machines) reading k decode steps at once, against the CPU
// backend reading every step: the same text events, token ids, finish reasons and counts.
describe("generate on the WebGPU backend with several decode steps per read", () => {
  let run: CheckRun = { outcomes: [], stderr: "", status: null };
  beforeAll(() => {
    run = runCheck("check-generate.ts");
  }, checkTimeoutMs);

  it("finds a WebGPU adapter and runs every case to the end", () => {
    expect(run.stderr, "Deno could not get a WebGPU adapter (CI needs mesa-vulkan-drivers libvulkan1)").not.toMatch(/no WebGPU/);
    expect(run.outcomes.length).toBeGreaterThan(0);
    // 0: every case passed, 1: some case missed (reported below); anything else is a crash
    expect([0, 1], run.stderr).toContain(run.status);
  });

  it.each(archs)("%s: every batch case gives the reference's events", (arch) => {
    expect(run.outcomes.filter((o) => o.op === arch).length, `no ${arch} check ran:\n${run.stderr}`).toBeGreaterThan(0);
    expect(misses(run, arch)).toEqual([]);
  });
});
