import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { FEATURE_VERSION } from "./features.ts";
import type { RouterModel } from "./mf-model.ts";
import { exportOnnx } from "./onnx-export.ts";

/** The sidecar of a trained router: what `router publish` sends next to the ONNX bytes. */
export const RouterArtifactMetaSchema = z.object({
  version: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  createdAt: z.number().int(),
  featureVersion: z.string(),
  modelIds: z.array(z.string().min(1)).min(1),
  /** where it was trained and how it scored on validation (and test when `router eval` made it) */
  metrics: z.record(z.string(), z.unknown()),
});
export type RouterArtifactMeta = z.infer<typeof RouterArtifactMetaSchema>;

/** A fresh version id: router-<UTC timestamp>. */
export function newVersion(now = new Date()): string {
  return `router-${now.toISOString().replace(/[-:]/g, "").replace(/\..*/, "")}`;
}

/** Writes <dir>/<version>.onnx and <dir>/<version>.json; returns their paths. */
export async function writeArtifact(dir: string, model: RouterModel, version: string, metrics: Record<string, unknown>): Promise<{ onnx: string; meta: string; bytes: number }> {
  await mkdir(dir, { recursive: true });
  const onnx = exportOnnx(model, version);
  const meta: RouterArtifactMeta = { version, createdAt: Date.now(), featureVersion: FEATURE_VERSION, modelIds: model.modelIds, metrics };
  const paths = { onnx: join(dir, `${version}.onnx`), meta: join(dir, `${version}.json`) };
  await writeFile(paths.onnx, onnx);
  await writeFile(paths.meta, `${JSON.stringify(meta, null, 2)}\n`);
  return { ...paths, bytes: onnx.length };
}

/** Reads an artifact by the path of its .onnx (or its .json), checking the sidecar and the feature recipe. */
export async function readArtifact(path: string): Promise<{ meta: RouterArtifactMeta; onnx: Uint8Array }> {
  const base = path.replace(/\.(onnx|json)$/, "");
  const parsed = RouterArtifactMetaSchema.safeParse(JSON.parse(await readFile(`${base}.json`, "utf8")));
  if (!parsed.success) throw new Error(`${base}.json: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  if (parsed.data.featureVersion !== FEATURE_VERSION) {
    throw new Error(`${base}.json: trained on features '${parsed.data.featureVersion}', this build computes '${FEATURE_VERSION}'; retrain`);
  }
  return { meta: parsed.data, onnx: new Uint8Array(await readFile(`${base}.onnx`)) };
}
