import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { CUDA_SYMBOLS } from "../../src/engine/backends/cuda/cuda-library.ts";

const run = promisify(execFile);
const root = join(import.meta.dirname, "../..");
const kernelsDir = join(root, "kernels");
/** kernels/runtime holds the library's device runtime, not an op */
const ops = readdirSync(kernelsDir, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== "runtime").map((e) => e.name).sort();

/** The launchers bench/kernels-cuda.py calls through ctypes, beside everything the engine's FFI binding declares. */
const BENCH_LAUNCHERS = ["rmsnorm_f32", "linear_f32", "conv1d_causal_f32", "selective_state_update_f32", "ssd_state_update_f32"];

const out = mkdtempSync(join(tmpdir(), "kernels-cuda-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("kernels/<op> folders", () => {
  it("hold <op>.cu and/or <op>.wgsl (the backends that have the op), each headed by what it computes, its layouts and versions", () => {
    for (const op of ops) {
      const files = readdirSync(join(kernelsDir, op)).sort();
      expect(files.length, op).toBeGreaterThan(0);
      expect(files.every((f) => f === `${op}.cu` || f === `${op}.wgsl`), `${op}: ${files}`).toBe(true);
      for (const f of files) {
        const head = readFileSync(join(kernelsDir, op, f), "utf8").split("\n").filter((l) => l.startsWith("//")).join("\n");
        expect(head, f).toMatch(/Layouts/);
        expect(head, f).toMatch(/Versions/);
      }
    }
  });
});

// nvcc (CUDA 13) compiles for the H200 (sm_90) on machines without a GPU: a compile error fails here, in CI.
describe("the CUDA library (npm run build:cuda)", () => {
  it("builds without warnings and exports every entry point the engine's FFI binding and the kernel bench call", async () => {
    const r = await run("node", [join(root, "scripts/build-cuda.mjs"), "--out", out], { timeout: 280_000 }).catch((e: NodeJS.ErrnoException & { stderr?: string }) => {
      throw new Error(`npm run build:cuda failed:\n${e.stderr ?? e.message}`);
    });
    expect(r.stderr).not.toMatch(/warning/i);
    const { stdout } = await run("nm", ["-D", "--defined-only", join(out, "libswitchyard_cuda.so")]);
    for (const name of [...Object.keys(CUDA_SYMBOLS), "sy_error_string", "sy_stream", ...BENCH_LAUNCHERS]) {
      expect(stdout, name).toMatch(new RegExp(`\\bT ${name}$`, "m"));
    }
  }, 300_000);
});
