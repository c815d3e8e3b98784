import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = join(import.meta.dirname, "../..");
const kernelsDir = join(root, "kernels");
const ops = readdirSync(kernelsDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

/** The extern "C" launchers each library must export: the contract bench/kernels-cuda.py calls through ctypes. */
const launchers: Record<string, string[]> = {
  rmsnorm: ["rmsnorm_f32"],
  matmul: ["linear_f32"],
  conv1d: ["conv1d_causal_f32"],
  selective_state_update: ["selective_state_update_f32"],
  ssd_state_update: ["ssd_state_update_f32"],
  attention_decode: ["attention_decode_f32", "attention_decode_scratch_floats"],
};

const out = mkdtempSync(join(tmpdir(), "kernels-cuda-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("kernels/<op> folders", () => {
  it("hold exactly <op>.wgsl and <op>.cu, each headed by what it computes, its layouts and versions", () => {
    expect(ops).toEqual(Object.keys(launchers).sort());
    for (const op of ops) {
      expect(readdirSync(join(kernelsDir, op)).sort()).toEqual([`${op}.cu`, `${op}.wgsl`]);
      for (const ext of ["cu", "wgsl"]) {
        const head = readFileSync(join(kernelsDir, op, `${op}.${ext}`), "utf8").split("\n").filter((l) => l.startsWith("//")).join("\n");
        expect(head, `${op}.${ext}`).toMatch(/Layouts/);
        expect(head, `${op}.${ext}`).toMatch(/Versions/);
      }
    }
  });
});

/** Builds kernels/<op>/<op>.cu into lib<op>.so; rejects with nvcc's messages. */
async function build(op: string): Promise<{ lib: string; stderr: string }> {
  const lib = join(out, `lib${op}.so`);
  const src = join(kernelsDir, op, `${op}.cu`);
  const r = await run("nvcc", ["-O3", "-arch=sm_90", "-shared", "-Xcompiler", "-fPIC,-Wall", "-o", lib, src], {
    timeout: 120_000,
  }).catch((e: NodeJS.ErrnoException & { stderr?: string }) => {
    throw new Error(e.code === "ENOENT" ? "nvcc is not on PATH (install the CUDA toolkit)" : `nvcc failed on ${src}:\n${e.stderr}`);
  });
  return { lib, stderr: r.stderr };
}

// nvcc (CUDA 13) compiles for the H200 (sm_90) on machines without a GPU: a compile error fails here, in CI.
// The builds start together (each is mostly single-threaded) and each test awaits its own.
describe("CUDA kernels compile with nvcc to shared libraries", () => {
  const builds = new Map(ops.map((op) => [op, build(op)] as const));
  for (const p of builds.values()) p.catch(() => undefined); // reported by the op's own test

  it.each(ops)("%s.cu builds and exports its extern \"C\" launchers", async (op) => {
    const { lib, stderr } = await builds.get(op)!;
    expect(stderr).not.toMatch(/warning/i);
    const { stdout } = await run("nm", ["-D", "--defined-only", lib]);
    for (const name of launchers[op]!) expect(stdout).toMatch(new RegExp(`\\bT ${name}$`, "m"));
  });
});
