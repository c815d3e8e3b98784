/** Copies of the reference fixtures, edited with the project's own safetensors reader and writer. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseSafetensors, writeSafetensors, type TensorToWrite } from "../../../src/engine/checkpoint/safetensors.ts";
import { tensor } from "../../../src/engine/tensor.ts";

const FIXTURES = join(import.meta.dirname, "../../fixtures/reference");

/** A copy of a reference fixture, named as the fixture, alone in a fresh temp dir; `remove` deletes both. */
export function copyFixture(fixture: string): { dir: string; remove(): void } {
  const dir = join(mkdtempSync(join(tmpdir(), "switchyard-load-")), fixture);
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  return { dir, remove: () => rmSync(dirname(dir), { recursive: true, force: true }) };
}

/**
 * Rewrites one safetensors file, every tensor in its stored dtype, with `value` put at `index` of `name`, and
 * `extra` tensors (f32) added.
 */
export function rewriteSafetensors(path: string, edit: { name?: string; index?: number; value?: number; extra?: string[] }): void {
  const file = parseSafetensors(readFileSync(path), path);
  const tensors: Record<string, TensorToWrite> = {};
  for (const n of file.names()) {
    const t = file.get(n);
    const data = Float32Array.from(t.data);
    if (n === edit.name) data[edit.index ?? 0] = edit.value ?? Number.NaN;
    tensors[n] = { dtype: file.info(n)?.dtype as TensorToWrite["dtype"], tensor: tensor(t.shape, data) };
  }
  for (const n of edit.extra ?? []) tensors[n] = { dtype: "F32", tensor: tensor([2]) };
  writeFileSync(path, writeSafetensors(tensors, file.metadata));
}

/** Replaces keys of a checkpoint's config.json. */
export function patchConfig(dir: string, patch: Record<string, unknown>): void {
  const path = join(dir, "config.json");
  writeFileSync(path, JSON.stringify({ ...(JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>), ...patch }));
}
