import { resolve } from "node:path";
import { makeDemoCheckpoints } from "../../engine/demo/make-demo-checkpoints.ts";

const USAGE = `usage: switchyard demo make [--out dir] [--force]

Makes the demo checkpoints (demo-mamba: SSM, demo-bamba: hybrid, demo-llama: Transformer) as Hugging Face
model directories, with no downloads. Up-to-date directories are left alone unless --force.
  --out dir   where to write them (default .switchyard/models)
  --force     rewrite even when up to date`;

function parseArgs(argv: string[]): { out: string; force: boolean } {
  let out = ".switchyard/models";
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--force") force = true;
    else if (arg === "--out") {
      const value = argv[++i];
      if (!value || value.startsWith("--")) throw new Error(`--out needs a directory\n\n${USAGE}`);
      out = value;
    } else if (arg?.startsWith("--out=")) out = arg.slice("--out=".length);
    else throw new Error(`unknown argument ${JSON.stringify(arg)}\n\n${USAGE}`);
  }
  return { out: resolve(out), force };
}

/** `switchyard demo make [--out dir] [--force]` */
export async function run(argv: string[]): Promise<void> {
  if (argv.includes("--help")) {
    console.log(USAGE);
    return;
  }
  const { out, force } = parseArgs(argv);
  for (const r of await makeDemoCheckpoints(out, { force })) {
    console.log(`${r.name.padEnd(11)} ${r.status.padEnd(10)} ${(r.bytes / 2 ** 20).toFixed(1)} MiB  ${r.dir}`);
  }
}
