import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { corpusRecordSchema } from "../../corpus/corpus-manifest.ts";
import { DEFAULT_WINDOWS, promptRecords, type PromptRecord } from "../../corpus/prompt-windows.ts";
import { CORPUS_DOMAINS } from "../../corpus/select-documents.ts";
import { integerOption, parseCommandArgs } from "../command-args.ts";

const usage = `usage: switchyard demo prompts [options]

Cuts the corpus's held-out documents (switchyard demo corpus) into prompts for the router: each document goes
whole to calibration.jsonl or eval.jsonl (by a hash of its id), so evaluation prompts come from documents that
neither the experts' training nor calibration saw. Lines are {id, task, split, prompt}; task is the domain.
  --corpus <dir>        the corpus                                       [.build/corpus]
  --out <dir>           where calibration.jsonl and eval.jsonl go        [.build/prompts]
  --max-chars <n>       most characters per prompt, cut at a line end    [${DEFAULT_WINDOWS.maxChars}]
  --min-chars <n>       shorter windows are left out                     [${DEFAULT_WINDOWS.minChars}]
  --per-document <n>    most prompts from one document                   [${DEFAULT_WINDOWS.perDocument}]
  --calibration-pct <n> share of held-out documents for calibration      [${DEFAULT_WINDOWS.calibrationShare * 100}]`;

async function heldout(corpus: string): Promise<{ id: string; domain: (typeof CORPUS_DOMAINS)[number]; text: string }[]> {
  const docs = [];
  for (const domain of CORPUS_DOMAINS) {
    const file = join(corpus, domain, "heldout.jsonl");
    const text = await readFile(file, "utf8").catch(() => {
      throw new Error(`${file} is missing: build the corpus first (switchyard demo corpus --out ${corpus})`);
    });
    for (const [i, line] of text.split("\n").entries()) {
      if (line.trim() === "") continue;
      const parsed = corpusRecordSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${file}:${i + 1}: not a corpus record (${parsed.error.issues[0]?.message})`);
      docs.push(parsed.data);
    }
  }
  return docs;
}

const jsonl = (records: readonly PromptRecord[]) => records.map((r) => `${JSON.stringify(r)}\n`).join("");

/** `switchyard demo prompts [options]` */
export async function run(argv: string[]): Promise<void> {
  const args = parseCommandArgs(argv, usage, {
    options: {
      corpus: { type: "string", default: ".build/corpus" },
      out: { type: "string", default: ".build/prompts" },
      "max-chars": { type: "string", default: String(DEFAULT_WINDOWS.maxChars) },
      "min-chars": { type: "string", default: String(DEFAULT_WINDOWS.minChars) },
      "per-document": { type: "string", default: String(DEFAULT_WINDOWS.perDocument) },
      "calibration-pct": { type: "string", default: String(DEFAULT_WINDOWS.calibrationShare * 100) },
    },
  });
  if (!args) return;
  const v = args.values;
  const opts = {
    maxChars: integerOption("max-chars", v["max-chars"], usage, { min: 2, max: 1_000_000 }),
    minChars: integerOption("min-chars", v["min-chars"], usage, { min: 1, max: 1_000_000 }),
    perDocument: integerOption("per-document", v["per-document"], usage, { max: 10_000 }),
    calibrationShare: integerOption("calibration-pct", v["calibration-pct"], usage, { min: 0, max: 100 }) / 100,
  };
  const records = promptRecords(await heldout(v.corpus), opts);
  await mkdir(v.out, { recursive: true });
  for (const split of ["calibration", "eval"] as const) {
    const part = records.filter((r) => r.split === split);
    await writeFile(join(v.out, `${split}.jsonl`), jsonl(part));
    const byTask = CORPUS_DOMAINS.map((d) => `${d} ${part.filter((r) => r.task === d).length}`).join(", ");
    console.log(`${join(v.out, `${split}.jsonl`)}: ${part.length} prompts (${byTask})`);
  }
}
