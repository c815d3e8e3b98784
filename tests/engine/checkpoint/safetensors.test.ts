import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CheckpointError } from "../../../src/engine/checkpoint/checkpoint-error.ts";
import { parseSafetensors, writeSafetensors } from "../../../src/engine/checkpoint/safetensors.ts";
import { tensor } from "../../../src/engine/tensor.ts";

const FIXTURES = join(import.meta.dirname, "../../fixtures/reference");
const FILE = "demo/model.safetensors";

/** A safetensors file with a hand-written header, for the malformed cases. */
function rawFile(header: unknown, dataBytes: number, declaredLength?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.byteLength + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(declaredLength ?? json.byteLength), true);
  out.set(json, 8);
  return out;
}

function errorOf(fn: () => unknown): CheckpointError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CheckpointError) return err;
    throw err;
  }
  throw new Error("expected a CheckpointError");
}

describe("writeSafetensors / parseSafetensors", () => {
  it("round-trips f32 exactly, with metadata", () => {
    const data = new Float32Array([0, -0, 1.5, -3.25e-38, 3.4e38, Infinity, -Infinity, 1e-45]);
    const bytes = writeSafetensors({ w: { dtype: "F32", tensor: tensor([2, 4], data) } }, { format: "pt" });
    const st = parseSafetensors(bytes, FILE);
    expect(st.metadata).toEqual({ format: "pt" });
    expect(st.get("w").shape).toEqual([2, 4]);
    expect([...st.get("w").data]).toEqual([...data]);
  });

  it("round-trips f16 and bf16 edge values (Inf, -0, NaN, subnormals) through their rounding", () => {
    const values = new Float32Array([1, -0, Infinity, -Infinity, Number.NaN, 2 ** -24, 65504, 1 + 2 ** -11, 2 ** -133, 3.14159]);
    const bytes = writeSafetensors({ h: { dtype: "F16", tensor: tensor([10], values) }, b: { dtype: "BF16", tensor: tensor([10], values) } });
    const st = parseSafetensors(bytes, FILE);
    const h = [...st.get("h").data];
    const b = [...st.get("b").data];
    expect(h.slice(0, 4)).toEqual([1, -0, Infinity, -Infinity]);
    expect(Object.is(h[1], -0)).toBe(true);
    expect(Number.isNaN(h[4])).toBe(true);
    expect(h.slice(5)).toEqual([2 ** -24, 65504, 1, 0, 3.140625]);
    expect(b.slice(0, 4)).toEqual([1, -0, Infinity, -Infinity]);
    expect(Number.isNaN(b[4])).toBe(true);
    expect(b.slice(5)).toEqual([Math.fround(2 ** -24), 65536, 1, 2 ** -133, 3.140625]);
  });

  it("pads the header with spaces to a multiple of 8 and puts wider dtypes first", () => {
    const bytes = writeSafetensors({ a: { dtype: "BF16", tensor: tensor([1]) }, z: { dtype: "F32", tensor: tensor([1]) } });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(header.trimEnd()).toBe('{"z":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"BF16","shape":[1],"data_offsets":[4,6]}}');
    expect(header.slice(header.trimEnd().length)).toMatch(/^ *$/);
  });

  it.each([["llama"], ["llama-bf16"], ["llama-f16"], ["bamba"]])("rewrites the HF-written %s fixture byte for byte", (name) => {
    const path = join(FIXTURES, name, "model.safetensors");
    const bytes = readFileSync(path);
    const st = parseSafetensors(bytes, path);
    const dtype = st.info(st.names()[0] as string)?.dtype as "F32" | "F16" | "BF16";
    const rewritten = writeSafetensors(Object.fromEntries(st.names().map((n) => [n, { dtype, tensor: st.get(n) }])), st.metadata);
    expect(Buffer.compare(Buffer.from(rewritten), bytes)).toBe(0);
  });

  it("narrows like PyTorch: the bf16 fixture is our bf16 rounding of the f32 one, the f16 fixture our f16 of that", () => {
    const read = (name: string) => {
      const p = join(FIXTURES, name, "model.safetensors");
      return parseSafetensors(readFileSync(p), p);
    };
    const [f32, bf16, f16] = [read("llama"), read("llama-bf16"), read("llama-f16")];
    for (const name of f32.names()) {
      const once = parseSafetensors(writeSafetensors({ t: { dtype: "BF16", tensor: f32.get(name) } }), "x").get("t");
      expect(once.data).toEqual(bf16.get(name).data);
      const twice = parseSafetensors(writeSafetensors({ t: { dtype: "F16", tensor: once } }), "x").get("t");
      expect(twice.data).toEqual(f16.get(name).data);
    }
  });
});

describe("parseSafetensors rejects malformed files, naming file and tensor", () => {
  const good = () => writeSafetensors({ "a.weight": { dtype: "F32", tensor: tensor([2, 3]) }, "b.bias": { dtype: "F32", tensor: tensor([3]) } });

  it("a file shorter than the length prefix", () => {
    expect(errorOf(() => parseSafetensors(new Uint8Array(5), FILE)).message).toBe(`${FILE}: truncated: 5 bytes, too short for the 8-byte header length`);
  });

  it("a header longer than the file", () => {
    const bytes = good();
    const e = errorOf(() => parseSafetensors(bytes.subarray(0, 40), FILE));
    expect(e.message).toMatch(/^demo\/model\.safetensors: truncated: header says \d+ header bytes but the file has only 32/);
  });

  it("data cut short", () => {
    const bytes = good();
    const e = errorOf(() => parseSafetensors(bytes.subarray(0, bytes.byteLength - 4), FILE));
    expect(e.file).toBe(FILE);
    expect(e.tensor).toBe("b.bias");
    expect(e.message).toContain("run past the 32-byte data buffer");
  });

  it("a header that is not JSON", () => {
    expect(errorOf(() => parseSafetensors(rawFile("{not json", 0), FILE)).message).toMatch(/^demo\/model\.safetensors: header is not valid JSON/);
  });

  it("a size that disagrees with shape and dtype", () => {
    const e = errorOf(() => parseSafetensors(rawFile({ w: { dtype: "F32", shape: [2, 2], data_offsets: [0, 12] } }, 12), FILE));
    expect(e.message).toBe(`${FILE}: tensor "w": header lies: F32 [2, 2] needs 16 bytes but data_offsets [0, 12] span 12`);
  });

  it("overlapping offsets", () => {
    const header = { a: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, b: { dtype: "F32", shape: [2], data_offsets: [4, 12] } };
    const e = errorOf(() => parseSafetensors(rawFile(header, 12), FILE));
    expect(e.message).toBe(`${FILE}: tensor "b": data_offsets [4, 12] overlap tensor "a" (ends at 8)`);
  });

  it("a gap between tensors", () => {
    const header = { a: { dtype: "F32", shape: [1], data_offsets: [0, 4] }, b: { dtype: "F32", shape: [1], data_offsets: [8, 12] } };
    expect(errorOf(() => parseSafetensors(rawFile(header, 12), FILE)).message).toContain('tensor "b": data_offsets [8, 12] leave a gap after byte 4');
  });

  it("trailing bytes after the last tensor", () => {
    const header = { a: { dtype: "F32", shape: [1], data_offsets: [0, 4] } };
    expect(errorOf(() => parseSafetensors(rawFile(header, 8), FILE)).message).toContain("tensors cover 4 data bytes but the file holds 8");
  });

  it("a negative or fractional shape", () => {
    const e = errorOf(() => parseSafetensors(rawFile({ w: { dtype: "F32", shape: [-1, 2], data_offsets: [0, 0] } }, 0), FILE));
    expect(e.message).toBe(`${FILE}: tensor "w": shape [-1,2] is not a list of non-negative integers`);
    expect(() => parseSafetensors(rawFile({ w: { dtype: "F32", shape: [1.5], data_offsets: [0, 6] } }, 6), FILE)).toThrow(/shape \[1\.5\]/);
  });

  it("an unknown dtype at parse time, an unsupported one on get", () => {
    expect(errorOf(() => parseSafetensors(rawFile({ w: { dtype: "F12", shape: [1], data_offsets: [0, 2] } }, 2), FILE)).message).toBe(
      `${FILE}: tensor "w": unknown dtype "F12"`,
    );
    const st = parseSafetensors(rawFile({ ids: { dtype: "I64", shape: [2], data_offsets: [0, 16] } }, 16), FILE);
    expect(errorOf(() => st.get("ids")).message).toBe(`${FILE}: tensor "ids": dtype I64 is not supported (supported: F32, F16, BF16)`);
  });

  it("a tensor that is not there", () => {
    expect(errorOf(() => parseSafetensors(good(), FILE).get("c")).message).toBe(`${FILE}: tensor "c": not in this file`);
  });
});
