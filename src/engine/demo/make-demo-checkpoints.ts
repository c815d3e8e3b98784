import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { writeSafetensors } from "../checkpoint/safetensors.ts";
import { CONFIG_FLOAT_KEYS, demoGenerationConfig, demoSpecs } from "./demo-configs.ts";
import { buildDemoTokenizer } from "./demo-tokenizer.ts";
import { demoWeights } from "./demo-weights.ts";
import { hfJson } from "./hf-json.ts";

/**
 * Bump when demo-weights.ts changes what it draws: configs and tokenizer files are fingerprinted by content,
 * but the weights are only fingerprinted through their config, seed and this number (so an up-to-date check
 * need not generate them).
 */
const WEIGHTS_VERSION = 1;
const STAMP = "switchyard-demo.json";

/** What happened to one demo checkpoint. */
export interface DemoResult {
  name: string;
  dir: string;
  status: "written" | "up to date";
  bytes: number;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Writes via a temporary file and a rename, so a reader never sees half a file. */
async function writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

async function isUpToDate(dir: string, fingerprint: string): Promise<number | null> {
  let stamp: { fingerprint?: unknown; sizes?: unknown };
  try {
    stamp = JSON.parse(await readFile(join(dir, STAMP), "utf8")) as typeof stamp;
  } catch {
    return null;
  }
  if (stamp.fingerprint !== fingerprint || typeof stamp.sizes !== "object" || stamp.sizes === null) return null;
  let total = 0;
  for (const [file, size] of Object.entries(stamp.sizes)) {
    try {
      if ((await stat(join(dir, file))).size !== size) return null;
    } catch {
      return null;
    }
    total += size as number;
  }
  return total;
}

/**
 * Makes the three demo checkpoints (demo-mamba, demo-bamba, demo-llama) under `outDir`, each a complete Hugging
 * Face model directory. Deterministic, and idempotent: a directory whose stamp matches the recipe and whose files
 * have the stamped sizes is left alone unless `force` is set.
 * @example
 *   for (const r of await makeDemoCheckpoints(".switchyard/models")) console.log(r.name, r.status);
 */
export async function makeDemoCheckpoints(outDir: string, opts: { force?: boolean } = {}): Promise<DemoResult[]> {
  const tok = buildDemoTokenizer();
  const shared = {
    "generation_config.json": hfJson(demoGenerationConfig(tok)),
    "tokenizer.json": `${JSON.stringify(tok.tokenizerJson, null, 2)}\n`,
    "tokenizer_config.json": hfJson(tok.tokenizerConfig),
  };
  const results: DemoResult[] = [];
  for (const spec of demoSpecs(tok)) {
    const dir = join(outDir, spec.name);
    const texts: Record<string, string> = { "config.json": hfJson(spec.config, CONFIG_FLOAT_KEYS), ...shared };
    const fingerprint = await sha256Hex(JSON.stringify({ texts, seed: spec.seed, weights: WEIGHTS_VERSION }));
    const current = opts.force ? null : await isUpToDate(dir, fingerprint);
    if (current !== null) {
      results.push({ name: spec.name, dir, status: "up to date", bytes: current });
      continue;
    }
    await mkdir(dir, { recursive: true });
    const weights = writeSafetensors(demoWeights(spec.config, spec.seed), { format: "pt" });
    const sizes: Record<string, number> = { "model.safetensors": weights.byteLength };
    await writeAtomically(join(dir, "model.safetensors"), weights);
    for (const [file, text] of Object.entries(texts)) {
      await writeAtomically(join(dir, file), text);
      sizes[file] = new TextEncoder().encode(text).byteLength;
    }
    // The stamp goes last: an interrupted run leaves no stamp, so the next run redoes the directory.
    await writeAtomically(join(dir, STAMP), hfJson({ fingerprint, sizes }));
    results.push({ name: spec.name, dir, status: "written", bytes: Object.values(sizes).reduce((a, b) => a + b, 0) });
  }
  return results;
}
