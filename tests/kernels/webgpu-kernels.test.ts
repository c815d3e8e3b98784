import { beforeAll, describe, expect, it } from "vitest";
import { type CheckRun, checkTimeoutMs, misses, runCheck } from "./webgpu/run-check.ts";

const ops = ["rmsnorm", "matmul", "conv1d", "selective_state_update", "ssd_state_update", "attention_decode"];

// The WGSL kernels run under Deno's WebGPU (lavapipe on CPU-only machines); the Deno script compares each one
// with the CPU reference op and prints one JSON line per case.
describe("WGSL kernels against the CPU reference ops", () => {
  let run: CheckRun = { outcomes: [], stderr: "", status: null };
  beforeAll(() => {
    run = runCheck("check-kernels.ts");
  }, checkTimeoutMs);

  it("finds a WebGPU adapter and runs every case to the end", () => {
    expect(run.stderr, "Deno could not get a WebGPU adapter (CI needs mesa-vulkan-drivers libvulkan1)").not.toMatch(/no WebGPU/);
    expect(run.outcomes.length).toBeGreaterThan(0);
    // 0: all within tolerance, 1: some case out of it (reported per op below); anything else is a crash
    expect([0, 1], run.stderr).toContain(run.status);
  });

  it.each(ops)("%s matches the CPU op within atol + rtol·|ref| on every case", (op) => {
    expect(run.outcomes.filter((o) => o.op === op).length, `no ${op} case ran:\n${run.stderr}`).toBeGreaterThan(0);
    expect(misses(run, op)).toEqual([]);
  });
});
