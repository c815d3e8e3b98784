import { open, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { HostTensor, StoredTensor } from "../tensor.ts";
import { CheckpointError } from "./checkpoint-error.ts";
import { firstNonFinite } from "./finite-weights.ts";
import { parsePythonJson } from "./python-json.ts";
import { parseSafetensors, type SafetensorsFile } from "./safetensors.ts";

/** Named weights of a checkpoint, decoded to f32 on first use; a tensor holding NaN or Inf is refused. */
export interface TensorStore {
  names(): string[];
  has(name: string): boolean;
  /**
   * Throws CheckpointError naming file and tensor when the tensor is missing, its shape is not `expectShape`,
   * or it holds a NaN or ±Inf.
   */
  get(name: string, expectShape?: readonly number[]): HostTensor;
  /** The tensor as stored (f32 values or f16/bf16 words), for a backend to take; same checks as get(). */
  getStored(name: string, expectShape?: readonly number[]): StoredTensor;
}

export const SINGLE_FILE = "model.safetensors";
export const INDEX_FILE = "model.safetensors.index.json";

/** Files are read in pieces of this size: runtimes cap one read (Deno's readFile at 2 GB), a buffer can be larger. */
const READ_PIECE = 1 << 30;

/** The whole file, read piecewise into one buffer so multi-gigabyte shards load too. */
async function readWhole(path: string): Promise<Uint8Array> {
  const file = await open(path, "r");
  try {
    const { size } = await file.stat();
    if (size <= READ_PIECE) return await readFile(path);
    const bytes = new Uint8Array(size);
    for (let at = 0; at < size; ) {
      const { bytesRead } = await file.read(bytes, at, Math.min(READ_PIECE, size - at), at);
      if (bytesRead === 0) throw new Error(`the file ended at byte ${at} of ${size}`);
      at += bytesRead;
    }
    return bytes;
  } finally {
    await file.close();
  }
}

async function readBytes(path: string): Promise<Uint8Array | null> {
  try {
    return await readWhole(path);
  } catch (err) {
    if ((err as { code?: unknown }).code === "ENOENT") return null;
    throw new CheckpointError(path, `cannot be read (${err instanceof Error ? err.message : String(err)})`);
  }
}

function storeOver(holder: Map<string, SafetensorsFile>, missingFile: string): TensorStore {
  const cache = new Map<string, HostTensor>();
  const fileOf = (name: string, expectShape?: readonly number[]): SafetensorsFile => {
    const file = holder.get(name);
    if (!file) throw new CheckpointError(missingFile, "missing from the checkpoint", name);
    const shape = file.info(name)?.shape ?? [];
    if (expectShape && (shape.length !== expectShape.length || shape.some((d, i) => d !== expectShape[i]))) {
      throw new CheckpointError(file.file, `shape [${shape.join(", ")}] does not match the expected [${expectShape.join(", ")}]`, name);
    }
    return file;
  };
  // Each tensor is scanned once, on its first read (the host reads every tensor at load).
  const finite = new Set<string>();
  const storedOf = (name: string, expectShape?: readonly number[]): StoredTensor => {
    const file = fileOf(name, expectShape);
    const t = file.getStored(name);
    if (!finite.has(name)) {
      const bad = firstNonFinite(t);
      if (bad) {
        const n = t.values.length;
        throw new CheckpointError(file.file, `holds ${bad.value} at element ${bad.index} of ${n} (${t.dtype}): the weights are corrupt, or were saved from a run that diverged`, name);
      }
      finite.add(name);
    }
    return t;
  };
  return {
    names: () => [...holder.keys()],
    has: (name) => holder.has(name),
    get(name, expectShape) {
      storedOf(name, expectShape);
      let t = cache.get(name);
      if (!t) {
        t = fileOf(name).get(name);
        cache.set(name, t);
      }
      return t;
    },
    getStored: storedOf,
  };
}

/** The index's weight_map, checked: every value names a file in the same directory. */
function readWeightMap(raw: unknown, indexPath: string): Map<string, string> {
  const map = (raw as { weight_map?: unknown } | null)?.weight_map;
  if (typeof raw !== "object" || raw === null || typeof map !== "object" || map === null || Array.isArray(map)) {
    throw new CheckpointError(indexPath, 'has no "weight_map" object');
  }
  const out = new Map<string, string>();
  for (const [tensor, file] of Object.entries(map)) {
    // Shards live beside the index; a path elsewhere is refused rather than read.
    if (typeof file !== "string" || file === "" || /[/\\]/.test(file) || file === "." || file === "..") {
      throw new CheckpointError(indexPath, `weight_map entry ${JSON.stringify(file)} is not a file name in this directory`, tensor);
    }
    out.set(tensor, file);
  }
  if (out.size === 0) throw new CheckpointError(indexPath, "weight_map is empty");
  return out;
}

async function openSharded(dir: string, indexPath: string, indexBytes: Uint8Array): Promise<TensorStore> {
  let raw: unknown;
  try {
    raw = parsePythonJson(new TextDecoder().decode(indexBytes));
  } catch (err) {
    throw new CheckpointError(indexPath, `is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const weightMap = readWeightMap(raw, indexPath);
  const byFile = new Map<string, string[]>();
  for (const [tensor, file] of weightMap) byFile.set(file, [...(byFile.get(file) ?? []), tensor]);

  const holder = new Map<string, SafetensorsFile>();
  for (const [file, listed] of byFile) {
    const path = join(dir, file);
    const bytes = await readBytes(path);
    const first = listed[0] as string;
    if (!bytes) {
      throw new CheckpointError(path, `shard is missing; ${INDEX_FILE} places ${listed.length} tensor${listed.length > 1 ? "s" : ""} in it`, first);
    }
    const shard = parseSafetensors(bytes, path);
    for (const tensor of listed) {
      if (!shard.info(tensor)) throw new CheckpointError(path, `${INDEX_FILE} places this tensor in this shard, but the shard does not hold it`, tensor);
      holder.set(tensor, shard);
    }
    for (const tensor of shard.names()) {
      const claimed = weightMap.get(tensor);
      if (claimed !== file) {
        throw new CheckpointError(path, claimed === undefined ? `not listed in ${INDEX_FILE}` : `${INDEX_FILE} places this tensor in ${claimed}`, tensor);
      }
    }
  }
  return storeOver(holder, indexPath);
}

/**
 * Opens the weights of a Hugging Face model directory: `model.safetensors`, or else the shards named by
 * `model.safetensors.index.json` (the order transformers tries them in). Every file is read and its header
 * validated now; tensor data decodes on first get(). An index must agree with its shards both ways.
 */
export async function openTensorStore(dir: string): Promise<TensorStore> {
  const single = join(dir, SINGLE_FILE);
  const bytes = await readBytes(single);
  if (bytes) {
    const file = parseSafetensors(bytes, single);
    return storeOver(new Map(file.names().map((n) => [n, file])), single);
  }
  const indexPath = join(dir, INDEX_FILE);
  const index = await readBytes(indexPath);
  if (index) return openSharded(dir, indexPath, index);
  throw new CheckpointError(dir, `has no ${SINGLE_FILE} nor ${INDEX_FILE} (only safetensors weights are supported)`);
}
