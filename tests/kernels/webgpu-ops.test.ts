import { beforeAll, describe, expect, it } from "vitest";
import { type CheckRun, checkTimeoutMs, misses, runCheck } from "./webgpu/run-check.ts";

const ops = [
  "crossings", "views", "copyRow", "sliceCols", "elementwise", "linear", "embedding", "rmsnorm", "addRmsnorm", "gatedRmsnorm", "softmax", "topk",
  "experts", "conv1dCausal", "selectiveScan", "ssdScan", "rope", "attention", "sample", "tokenLogprobs", "errors",
];
const archs = ["mamba", "mamba2", "llama", "llama-partial-rotary", "llama-rope-llama3", "llama-f16", "llama-bf16", "bamba", "jamba"];

function ranToTheEnd(run: () => CheckRun): void {
  const r = run();
  expect(r.stderr, "Deno could not get a WebGPU adapter (CI needs mesa-vulkan-drivers libvulkan1)").not.toMatch(/no WebGPU/);
  expect(r.outcomes.length).toBeGreaterThan(0);
  // 0: every case passed, 1: some case missed (reported below); anything else is a crash
  expect([0, 1], r.stderr).toContain(r.status);
}

// createWebGpuOps under Deno's WebGPU (lavapipe on CPU-only machines) against cpuOps, op by op.
describe("the WebGPU backend's ops against the CPU backend", () => {
  let run: CheckRun = { outcomes: [], stderr: "", status: null };
  beforeAll(() => {
    run = runCheck("check-ops.ts");
  }, checkTimeoutMs);

  it("finds a WebGPU adapter and runs every case to the end", () => ranToTheEnd(() => run));

  it.each(ops)("%s matches the CPU op on every case", (op) => {
    expect(run.outcomes.filter((o) => o.op === op).length, `no ${op} case ran:\n${run.stderr}`).toBeGreaterThan(0);
    expect(misses(run, op)).toEqual([]);
  });
});

// The reference checkpoints end to end: logits, greedy decode through device steps, and scoring.
describe("models on the WebGPU backend against the CPU backend", () => {
  let run: CheckRun = { outcomes: [], stderr: "", status: null };
  beforeAll(() => {
    run = runCheck("check-models.ts");
  }, checkTimeoutMs);

  it("finds a WebGPU adapter and runs every architecture to the end", () => ranToTheEnd(() => run));

  it.each(archs)("%s: logits, greedy tokens and mean NLL match the CPU's", (arch) => {
    expect(run.outcomes.filter((o) => o.op === arch).length, `no ${arch} check ran:\n${run.stderr}`).toBeGreaterThan(0);
    expect(misses(run, arch)).toEqual([]);
  });
});
