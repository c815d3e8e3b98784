import type { BackendName, Ops } from "../ops.ts";
import { cpuOps } from "./cpu/index.ts";
import { createCudaOps } from "./cuda/index.ts";

/** What `--backend` takes: a backend by name, or `auto` (cuda, then webgpu, then cpu). */
export type BackendChoice = BackendName | "auto";
export const BACKEND_CHOICES: readonly BackendChoice[] = ["auto", "cuda", "webgpu", "cpu"];

/** The chosen backend and the words that say how it was chosen. */
export interface SelectedBackend {
  ops: Ops;
  /** e.g. "cuda (NVIDIA H200, GEMM: cuBLAS)" */
  description: string;
  /** why each backend tried before it was passed over */
  fellBack: string[];
}

const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|swiftshader/i;

/** A backend asked for by name that cannot start: the message says why. */
export class BackendUnavailableError extends Error {
  override name = "BackendUnavailableError";
}

async function open(name: BackendName): Promise<{ ops: Ops; description: string }> {
  if (name === "cpu") return { ops: cpuOps, description: "cpu (TypeScript, f32)" };
  if (name === "cuda") {
    const ops = createCudaOps();
    return { ops, description: `cuda (${ops.info.device}, GEMM: ${ops.info.gemm})` };
  }
  const { createWebGpuOps } = await import("./webgpu/webgpu-ops.ts");
  const ops = await createWebGpuOps();
  return { ops, description: `webgpu (${ops.adapterName})` };
}

/**
 * Opens the backend `choice` names. `auto` tries cuda, then webgpu, then cpu, and records why each one it passed
 * over could not start; a backend asked for by name that cannot start is a BackendUnavailableError.
 */
export async function selectBackend(choice: BackendChoice): Promise<SelectedBackend> {
  if (choice !== "auto") {
    try {
      return { ...(await open(choice)), fellBack: [] };
    } catch (err) {
      throw new BackendUnavailableError(`--backend ${choice} is unavailable: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const fellBack: string[] = [];
  for (const name of ["cuda", "webgpu"] as const) {
    try {
      const opened = await open(name);
      // a software Vulkan device (lavapipe, on machines without a GPU) is slower than the CPU backend
      if (SOFTWARE_ADAPTER.test(opened.description)) throw new Error(`the only adapter is a software renderer (${opened.description})`);
      return { ...opened, fellBack };
    } catch (err) {
      fellBack.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { ...(await open("cpu")), fellBack };
}
