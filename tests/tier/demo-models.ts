import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "../..");

/** Demo checkpoints (demo-mamba, demo-bamba, demo-llama) made by the real `switchyard demo make` into a temp dir. */
export interface DemoModels {
  root: string;
  dir(name: "demo-mamba" | "demo-bamba" | "demo-llama"): string;
  remove(): void;
}

/** Runs `switchyard demo make --out <tmp>`; throws with its output if it fails. */
export function makeDemoModels(): DemoModels {
  const out = mkdtempSync(join(tmpdir(), "switchyard-demo-"));
  const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "src/cli/main.ts"), "demo", "make", "--out", out], {
    cwd: root,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`demo make failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return {
    root: out,
    dir: (name) => join(out, name),
    remove: () => rmSync(out, { recursive: true, force: true }),
  };
}
