import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import type { WeightStore } from "../../../src/engine/models/causal-lm.ts";
import { tensor, type Tensor } from "../../../src/engine/tensor.ts";

/** The reference data the lead generated with HF transformers for one fixture. */
export interface Reference {
  input_ids: number[];
  logits: number[][];
  mean_nll: number;
  greedy: { prompt_ids: number[]; new_ids: number[] };
}

export const FIXTURES = join(import.meta.dirname, "../../fixtures/reference");

function widen(dtype: string, bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dtype === "F32") return new Float32Array(bytes.slice().buffer);
  const n = bytes.byteLength / 2;
  const out = new Float32Array(n);
  const u32 = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    const h = view.getUint16(2 * i, true);
    if (dtype === "BF16") u32[i] = h << 16;
    else {
      const e = (h >> 10) & 31;
      const m = h & 1023;
      const v = e === 0 ? m * 2 ** -24 : e === 31 ? (m ? NaN : Infinity) : (1 + m / 1024) * 2 ** (e - 15);
      out[i] = h & 0x8000 ? -v : v;
    }
  }
  return out;
}

/** A minimal safetensors reader for the fixtures (single file or sharded via the index). */
export function fixtureStore(dir: string): WeightStore {
  const index = join(dir, "model.safetensors.index.json");
  const files = existsSync(index)
    ? [...new Set(Object.values((JSON.parse(readFileSync(index, "utf8")) as { weight_map: Record<string, string> }).weight_map))]
    : ["model.safetensors"];
  const tensors = new Map<string, Tensor>();
  for (const f of files) {
    const buf = readFileSync(join(dir, f));
    const len = Number(buf.readBigUInt64LE(0));
    const header = JSON.parse(buf.subarray(8, 8 + len).toString("utf8")) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
    for (const [name, h] of Object.entries(header)) {
      if (name === "__metadata__") continue;
      const bytes = new Uint8Array(buf.buffer, buf.byteOffset + 8 + len + h.data_offsets[0], h.data_offsets[1] - h.data_offsets[0]);
      tensors.set(name, tensor(h.shape, widen(h.dtype, bytes)));
    }
  }
  return {
    names: () => [...tensors.keys()],
    has: (n) => tensors.has(n),
    get(n, shape) {
      const t = tensors.get(n);
      if (!t) throw new Error(`missing tensor ${n}`);
      if (shape && t.shape.join() !== shape.join()) throw new Error(`tensor ${n}: shape [${t.shape}] != [${shape}]`);
      return t;
    },
  };
}

export function readFixture(name: string): { config: Record<string, unknown>; tensors: WeightStore; reference: Reference } {
  const dir = join(FIXTURES, name);
  return {
    config: JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as Record<string, unknown>,
    tensors: fixtureStore(dir),
    reference: JSON.parse(readFileSync(join(dir, "reference.json"), "utf8")) as Reference,
  };
}
