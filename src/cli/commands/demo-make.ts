import { resolve } from "node:path";
import { makeDemoCheckpoints } from "../../engine/demo/make-demo-checkpoints.ts";
import { parseCommandArgs } from "../command-args.ts";

const usage = `usage: switchyard demo make [--out dir] [--force]

Makes the demo checkpoints (demo-mamba: SSM, demo-bamba: hybrid, demo-llama: Transformer) as Hugging Face
model directories, with no downloads. Up-to-date directories are left alone unless --force.
  --out dir   where to write them (default .switchyard/models)
  --force     rewrite even when up to date`;

/** `switchyard demo make [--out dir] [--force]` */
export async function run(argv: string[]): Promise<void> {
  const args = parseCommandArgs(argv, usage, {
    options: {
      out: { type: "string", default: ".switchyard/models" },
      force: { type: "boolean", default: false },
    },
  });
  if (!args) return;
  const { out, force } = args.values;
  for (const r of await makeDemoCheckpoints(resolve(out), { force })) {
    console.log(`${r.name.padEnd(11)} ${r.status.padEnd(10)} ${(r.bytes / 2 ** 20).toFixed(1)} MiB  ${r.dir}`);
  }
}
