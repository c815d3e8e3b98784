/**
 * `switchyard <command> [args]` — one entry for every command; each lives in its own file under
 * ./commands and exports `run(argv)`. Loaded lazily so a command pays only for what it imports.
 */
type Command = { summary: string; load: () => Promise<{ run: (argv: string[]) => Promise<void> }> };

const commands: Record<string, Command> = {
  "tier serve": { summary: "run the inference tier (Deno) on loopback", load: () => import("./commands/tier-serve.ts") },
  "tier register": { summary: "register the tier's models with the edge", load: () => import("./commands/tier-register.ts") },
  "demo make": { summary: "make the demo checkpoints (SSM, hybrid, Transformer) locally", load: () => import("./commands/demo-make.ts") },
  "demo corpus": { summary: "build the domain corpora (code, python, prose, legal) from local files", load: () => import("./commands/demo-corpus.ts") },
  "demo prompts": { summary: "cut held-out documents into calibration and eval prompts", load: () => import("./commands/demo-prompts.ts") },
  "library seed": { summary: "load a library file into D1 (local or remote)", load: () => import("./commands/library-seed.ts") },
  "router train": { summary: "train the learned router on outcome data, export ONNX", load: () => import("./commands/router-train.ts") },
  "router eval": { summary: "evaluate the router (fitted, or a trained --artifact) against baselines on held-out prompts", load: () => import("./commands/router-eval.ts") },
  "router publish": { summary: "store a trained router in D1 (admin API or local D1)", load: () => import("./commands/router-publish.ts") },
  "records export": { summary: "write the edge's feedback on kept prompts as JSONL records", load: () => import("./commands/records-export.ts") },
  calibrate: { summary: "score prompts on the tier's /v1/score, then train on the losses", load: () => import("./commands/calibrate.ts") },
};

function usage(): string {
  const rows = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(22)} ${c.summary}`);
  return ["usage: switchyard <command> [args]", "", "commands:", ...rows].join("\n");
}

async function main(argv: string[]): Promise<void> {
  const words = argv.filter((a) => !a.startsWith("-"));
  // Two-word commands ("router train") win over one-word ones.
  const name = [words.slice(0, 2).join(" "), words[0] ?? ""].find((n) => n in commands);
  if (!name) {
    console.error(usage());
    process.exitCode = argv.length === 0 || argv.includes("--help") ? 0 : 2;
    return;
  }
  const rest = [...argv];
  for (const w of name.split(" ")) rest.splice(rest.indexOf(w), 1);
  const cmd = commands[name];
  if (!cmd) return;
  await (await cmd.load()).run(rest);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
