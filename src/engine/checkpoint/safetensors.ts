import { type HostTensor, numel, type StoredDtype, type StoredTensor, tensor } from "../tensor.ts";
import { CheckpointError } from "./checkpoint-error.ts";
import { narrowToBf16, narrowToF16, widenBf16, widenF16 } from "./half-float.ts";

/**
 * The safetensors format (https://github.com/huggingface/safetensors): u64 little-endian header length N, N bytes
 * of JSON header {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {string: string}}, then the
 * data buffer that the offsets index. We validate as strictly as the reference Rust reader: offsets must tile the
 * data buffer exactly (no overlap, no gap, no trailing bytes) and each span must hold numel·sizeof(dtype) bytes.
 */

export type { StoredDtype };

/** Bytes per element of every dtype the format defines; only StoredDtype ones can be loaded. */
const DTYPE_BYTES: Record<string, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, F8_E8M0: 1,
  U16: 2, I16: 2, F16: 2, BF16: 2,
  U32: 4, I32: 4, F32: 4,
  U64: 8, I64: 8, F64: 8,
};

const LOADABLE: readonly string[] = ["F32", "F16", "BF16"];

/** The reference reader refuses headers above 100 MB; so do we, before allocating for one. */
const MAX_HEADER_BYTES = 100_000_000;

/** One tensor's header entry, validated. */
export interface TensorInfo {
  dtype: string;
  shape: number[];
  /** byte range inside the data buffer */
  begin: number;
  end: number;
}

/** A parsed safetensors file: names and header entries at once, tensor data decoded on demand. */
export interface SafetensorsFile {
  file: string;
  metadata: Record<string, string>;
  names(): string[];
  info(name: string): TensorInfo | undefined;
  /**
   * Decodes one tensor to f32; throws CheckpointError for an unknown name or a dtype we cannot load. Aligned F32
   * data is a view of the file's bytes, not a copy: weights are read-only.
   */
  get(name: string): HostTensor;
  /** The tensor as stored: f32 values, or raw f16/bf16 words (a view when aligned), for a backend to take. */
  getStored(name: string): StoredTensor;
}

const isNonNegativeInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

function readHeader(bytes: Uint8Array, file: string): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.byteLength < 8) throw new CheckpointError(file, `truncated: ${bytes.byteLength} bytes, too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_BYTES)) throw new CheckpointError(file, `header length ${declared} exceeds the 100 MB limit: not a safetensors file, or corrupt`);
  const n = Number(declared);
  if (8 + n > bytes.byteLength) {
    throw new CheckpointError(file, `truncated: header says ${n} header bytes but the file has only ${bytes.byteLength - 8} after the length`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw new CheckpointError(file, "header is not valid UTF-8");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new CheckpointError(file, `header is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new CheckpointError(file, "header is not a JSON object");
  return { header: parsed as Record<string, unknown>, dataStart: 8 + n };
}

function readMetadata(raw: unknown, file: string): Record<string, string> {
  if (raw === undefined) return {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new CheckpointError(file, "__metadata__ is not an object");
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== "string") throw new CheckpointError(file, `__metadata__.${k} is not a string`);
  }
  return raw as Record<string, string>;
}

function readEntry(name: string, raw: unknown, file: string): TensorInfo {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new CheckpointError(file, "header entry is not an object", name);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (typeof dtype !== "string" || !(dtype in DTYPE_BYTES)) throw new CheckpointError(file, `unknown dtype ${JSON.stringify(dtype)}`, name);
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInt)) {
    throw new CheckpointError(file, `shape ${JSON.stringify(shape)} is not a list of non-negative integers`, name);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInt)) {
    throw new CheckpointError(file, `data_offsets ${JSON.stringify(offsets)} is not a pair of non-negative integers`, name);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) throw new CheckpointError(file, `data_offsets [${begin}, ${end}] end before they begin`, name);
  const need = numel(shape) * (DTYPE_BYTES[dtype] as number);
  if (end - begin !== need) {
    throw new CheckpointError(file, `header lies: ${dtype} [${shape.join(", ")}] needs ${need} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`, name);
  }
  return { dtype, shape: shape as number[], begin, end };
}

/** Offsets must tile [0, dataLength) exactly, in some order, as the reference reader demands. */
function checkLayout(entries: Map<string, TensorInfo>, dataLength: number, file: string): void {
  const sorted = [...entries].sort((a, b) => a[1].begin - b[1].begin || a[1].end - b[1].end);
  let cursor = 0;
  let previous = "";
  for (const [name, e] of sorted) {
    if (e.end > dataLength) {
      throw new CheckpointError(file, `data_offsets [${e.begin}, ${e.end}] run past the ${dataLength}-byte data buffer (truncated file, or a header that lies)`, name);
    }
    if (e.begin < cursor) throw new CheckpointError(file, `data_offsets [${e.begin}, ${e.end}] overlap tensor "${previous}" (ends at ${cursor})`, name);
    if (e.begin > cursor) throw new CheckpointError(file, `data_offsets [${e.begin}, ${e.end}] leave a gap after byte ${cursor}`, name);
    cursor = e.end;
    previous = name;
  }
  if (cursor !== dataLength) {
    throw new CheckpointError(file, `tensors cover ${cursor} data bytes but the file holds ${dataLength} (trailing bytes, or a header that lies)`);
  }
}

/** Aligned copy of a byte range, so typed-array views over it are legal. */
function alignedCopy(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

/** The span's elements as stored: f32 values or 16-bit words, zero-copy when aligned (headers pad to 8 bytes). */
function elements(dtype: string, raw: Uint8Array): Float32Array | Uint16Array {
  if (dtype === "F32") {
    return raw.byteOffset % 4 === 0 ? new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4) : new Float32Array(alignedCopy(raw));
  }
  return raw.byteOffset % 2 === 0 ? new Uint16Array(raw.buffer, raw.byteOffset, raw.byteLength / 2) : new Uint16Array(alignedCopy(raw));
}

function decode(dtype: string, raw: Uint8Array): Float32Array {
  const values = elements(dtype, raw);
  if (values instanceof Float32Array) return values;
  return dtype === "F16" ? widenF16(values) : widenBf16(values);
}

/**
 * Parses a safetensors file held in memory. The header is validated at once; tensors decode lazily on get().
 * @example
 *   const st = parseSafetensors(await readFile(path), path);
 *   const w = st.get("lm_head.weight"); // Tensor, f32
 */
export function parseSafetensors(bytes: Uint8Array, file: string): SafetensorsFile {
  const { header, dataStart } = readHeader(bytes, file);
  const metadata = readMetadata(header.__metadata__, file);
  const entries = new Map<string, TensorInfo>();
  for (const [name, raw] of Object.entries(header)) {
    if (name !== "__metadata__") entries.set(name, readEntry(name, raw, file));
  }
  const data = bytes.subarray(dataStart);
  checkLayout(entries, data.byteLength, file);
  const loadable = (name: string): TensorInfo => {
    const e = entries.get(name);
    if (!e) throw new CheckpointError(file, "not in this file", name);
    if (!LOADABLE.includes(e.dtype)) throw new CheckpointError(file, `dtype ${e.dtype} is not supported (supported: ${LOADABLE.join(", ")})`, name);
    return e;
  };
  return {
    file,
    metadata,
    names: () => [...entries.keys()],
    info: (name) => entries.get(name),
    get(name) {
      const e = loadable(name);
      return tensor(e.shape, decode(e.dtype, data.subarray(e.begin, e.end)));
    },
    getStored(name) {
      const e = loadable(name);
      return { shape: e.shape, dtype: e.dtype as StoredDtype, values: elements(e.dtype, data.subarray(e.begin, e.end)) };
    },
  };
}

/** A tensor to write and the dtype to store it in. */
export interface TensorToWrite {
  dtype: StoredDtype;
  tensor: HostTensor;
}

function encode(dtype: StoredDtype, data: Float32Array): Uint8Array {
  if (dtype === "F32") return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const words = dtype === "F16" ? narrowToF16(data) : narrowToBf16(data);
  return new Uint8Array(words.buffer);
}

/**
 * Serialises tensors as safetensors, laid out like the reference writer: widest dtype first, then by name;
 * `__metadata__` first in the header; the header padded with spaces to a multiple of 8 bytes so data stays aligned.
 * @example
 *   const bytes = writeSafetensors({ "w": { dtype: "BF16", tensor: tensor([2, 2]) } }, { format: "pt" });
 */
export function writeSafetensors(tensors: Record<string, TensorToWrite>, metadata?: Record<string, string>): Uint8Array {
  const names = Object.keys(tensors).sort((a, b) => {
    const wa = DTYPE_BYTES[(tensors[a] as TensorToWrite).dtype] as number;
    const wb = DTYPE_BYTES[(tensors[b] as TensorToWrite).dtype] as number;
    return wb - wa || (a < b ? -1 : a > b ? 1 : 0);
  });
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    if (name === "" || name === "__metadata__") throw new RangeError(`writeSafetensors: invalid tensor name ${JSON.stringify(name)}`);
    const { dtype, tensor: t } = tensors[name] as TensorToWrite;
    if (!LOADABLE.includes(dtype)) throw new RangeError(`writeSafetensors: tensor "${name}": unsupported dtype ${String(dtype)}`);
    if (t.data.length !== numel(t.shape)) throw new RangeError(`writeSafetensors: tensor "${name}": ${t.data.length} values for shape [${t.shape}]`);
    const blob = encode(dtype, t.data);
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + blob.byteLength] };
    blobs.push(blob);
    offset += blob.byteLength;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.byteLength / 8) * 8;
  if (padded !== json.byteLength) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.byteLength), true);
  out.set(json, 8);
  let at = 8 + json.byteLength;
  for (const b of blobs) {
    out.set(b, at);
    at += b.byteLength;
  }
  return out;
}
