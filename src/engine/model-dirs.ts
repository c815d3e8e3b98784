import { readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";

async function isModelDir(dir: string): Promise<boolean> {
  try {
    return (await stat(join(dir, "config.json"))).isFile();
  } catch {
    return false;
  }
}

/**
 * Model directories named by a `--models` value: a comma-separated list where each entry is a model dir (holds
 * config.json) or a root whose direct subdirectories are model dirs (sorted by name). Throws when an entry is
 * neither, so a typo cannot start a tier with no models.
 */
export async function findModelDirs(spec: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of spec.split(",").map((s) => s.trim()).filter(Boolean)) {
    const dir = resolve(entry);
    if (await isModelDir(dir)) {
      found.push(dir);
      continue;
    }
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch {
      throw new Error(`--models: ${entry} does not exist`);
    }
    const subdirs: string[] = [];
    for (const name of names) if (await isModelDir(join(dir, name))) subdirs.push(join(dir, name));
    if (subdirs.length === 0) throw new Error(`--models: ${entry} holds no config.json, nor do its subdirectories`);
    found.push(...subdirs);
  }
  if (found.length === 0) throw new Error("--models: no model directories given");
  return found;
}
