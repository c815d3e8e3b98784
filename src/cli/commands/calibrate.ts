/**
 * `switchyard calibrate`: Tryage-style calibration. Each prompt of a set is scored by every library model
 * on the tier's POST /v1/score (mean NLL of the prompt under the model); the losses are written as outcome
 * records (JSON Lines) and the router is trained on them (quality = exp(−NLL), see read-records.ts).
 */
import { appendFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { DEFAULT_DATA_DIR, loadDataset } from "../../router/outcome-files.ts";
import { type OutcomeRecord, readOutcomeRecords } from "../../router/read-records.ts";
import { newVersion } from "../../router/router-artifact.ts";
import { integerOption, parseCommandArgs } from "../command-args.ts";
import { FIT_ARG_OPTIONS, FIT_USAGE, readFitArgs } from "../fit-args.ts";
import { startProgress } from "../progress.ts";
import { trainAndWrite } from "./router-train.ts";

const root = join(import.meta.dirname, "../../..");

const usage = `usage: switchyard calibrate [options]
  --tier <url>          the inference tier                                  [http://127.0.0.1:8788]
  --models <a,b,…>      models to score                                     [all of the tier's /v1/models]
  --prompts <file>      prompt set: JSON Lines {"prompt": …} or one prompt per line
                        [else --sample prompts from model7's train split in --data]
  --data <dir>          outcome data directory                              [${DEFAULT_DATA_DIR}]
  --sample <n>          prompts sampled when no --prompts                   [64]
  --out <dir>           records and router artifact                         [.router]
  --no-train            only write the records
${FIT_USAGE}`;

const ModelListSchema = z.object({ data: z.array(z.object({ id: z.string() })) });
const ScoreResponseSchema = z.object({ model: z.string(), mean_nll: z.number().nonnegative() });

async function promptSet(file: string | undefined, dataDir: string, sample: number): Promise<string[]> {
  if (file) {
    return (await readFile(file, "utf8"))
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => {
        if (!l.trim().startsWith("{")) return l;
        const parsed = z.object({ prompt: z.string().min(1) }).safeParse(JSON.parse(l));
        if (!parsed.success) throw new Error(`${file}: a JSON line needs a non-empty "prompt"`);
        return parsed.data.prompt;
      });
  }
  const rows = (await loadDataset(dataDir, "model7", "train")).flatMap((s) => s.rows);
  const step = Math.max(1, Math.floor(rows.length / sample));
  return rows.filter((_, i) => i % step === 0).slice(0, sample).map((r) => r.prompt);
}

async function postJson(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(300_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Runs the command. */
export async function run(argv: string[]): Promise<void> {
  const args = parseCommandArgs(argv, usage, {
    options: {
      tier: { type: "string", default: "http://127.0.0.1:8788" },
      models: { type: "string" },
      prompts: { type: "string" },
      data: { type: "string", default: join(root, DEFAULT_DATA_DIR) },
      sample: { type: "string", default: "64" },
      out: { type: "string", default: join(root, ".router") },
      "no-train": { type: "boolean", default: false },
      ...FIT_ARG_OPTIONS,
    },
  });
  if (!args) return;
  const { values } = args;
  const sample = integerOption("sample", values.sample, usage);
  const settings = readFitArgs(values, usage);
  const tier = values.tier.replace(/\/$/, "");
  const models = values.models
    ? values.models.split(",").filter(Boolean)
    : ModelListSchema.parse(await (await fetch(`${tier}/v1/models`, { signal: AbortSignal.timeout(30_000) })).json()).data.map((m) => m.id);
  if (models.length === 0) throw new Error(`the tier at ${tier} lists no models`);
  const prompts = await promptSet(values.prompts, values.data, sample);
  if (prompts.length === 0) throw new Error("empty prompt set");

  const version = newVersion();
  await mkdir(values.out, { recursive: true });
  const recordsFile = join(values.out, `calibration-${version}.jsonl`);
  await writeFile(recordsFile, "");
  const progress = startProgress("score", "prompt", prompts.length * models.length);
  let failures = 0;
  for (const model of models) {
    for (const prompt of prompts) {
      try {
        const r = ScoreResponseSchema.parse(await postJson(`${tier}/v1/score`, { model, text: prompt }));
        const record: OutcomeRecord = { prompt, model, loss: r.mean_nll, task: "calibration" };
        await appendFile(recordsFile, `${JSON.stringify(record)}\n`);
        progress.tick(failures > 0 ? `${failures} failed` : model);
      } catch (err) {
        // A prompt too long for one model's context is a fact about that model, not a reason to stop.
        failures++;
        progress.tick(`${failures} failed (last: ${(err as Error).message.slice(0, 80)})`);
      }
    }
  }
  progress.stop();
  console.log(`wrote ${recordsFile} (${prompts.length} prompts × ${models.length} models, ${failures} failed)`);
  if (values["no-train"]) return;
  const set = readOutcomeRecords(await readFile(recordsFile, "utf8"), recordsFile);
  await trainAndWrite(recordsFile, set, settings, values.out, version);
}
