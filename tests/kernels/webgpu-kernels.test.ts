import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

interface Outcome {
  op: string;
  name: string;
  worst: number;
  ok: boolean;
}

const root = join(import.meta.dirname, "../..");
const ops = ["rmsnorm", "matmul", "conv1d", "selective_state_update", "ssd_state_update", "attention_decode"];

// The WGSL kernels run under Deno's WebGPU (lavapipe on CPU-only machines); the Deno script compares each one
// with the CPU reference op and prints one JSON line per case.
describe("WGSL kernels against the CPU reference ops", () => {
  let outcomes: Outcome[] = [];
  let stderr = "";
  let status: number | null = null;

  beforeAll(() => {
    const r = spawnSync(join(root, "node_modules/.bin/deno"), ["run", "-A", "tests/kernels/webgpu/check-kernels.ts"], {
      cwd: root,
      encoding: "utf8",
      timeout: 120_000,
      env: { ...process.env, DENO_NO_UPDATE_CHECK: "1" },
    });
    status = r.status;
    stderr = r.stderr;
    outcomes = r.stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Outcome);
  });

  it("finds a WebGPU adapter and runs every case to the end", () => {
    expect(stderr, "Deno could not get a WebGPU adapter (CI needs mesa-vulkan-drivers libvulkan1)").not.toMatch(/no WebGPU/);
    expect(outcomes.length).toBeGreaterThan(0);
    // 0: all within tolerance, 1: some case out of it (reported per op below); anything else is a crash
    expect([0, 1], stderr).toContain(status);
  });

  it.each(ops)("%s matches the CPU op within atol + rtol·|ref| on every case", (op) => {
    const mine = outcomes.filter((o) => o.op === op);
    expect(mine.length, `no ${op} case ran:\n${stderr}`).toBeGreaterThan(0);
    const misses = mine.filter((o) => !o.ok).map((o) => `${o.name}: worst ratio ${o.worst}`);
    expect(misses).toEqual([]);
  });
});
