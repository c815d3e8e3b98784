/**
 * `switchyard router train`, `router eval` and `calibrate` as a user runs them on outcome files of their own:
 * records written to a temp dir (tasks and models the CLI has no table for), the real entry point in a child
 * process (so stderr is not a terminal, as in a log).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OutcomeRecord } from "../../src/router/read-records.ts";
import { syntheticRows } from "../router/synthetic-outcomes.ts";

const root = join(import.meta.dirname, "../..");
const run = promisify(execFile);
const models = ["math", "poet", "generalist"];
const fit = ["--epochs", "3", "--folds", "2", "--hidden", "8", "--embed", "4", "--seed", "3"];

let dir: string;
const file = (name: string) => join(dir, name);

/** The CLI as a user runs it; resolves with its exit code and output instead of throwing on failure. */
async function switchyard(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", join(root, "src/cli/main.ts"), ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * One record per (prompt, model); `cost` adds each model's synthetic cost; tasks renamed to the user's own.
 * Prompts carry the seed and row, so no two files share one by chance.
 */
async function writeRecords(name: string, n: number, seed: number, cost: boolean): Promise<string> {
  const lines = syntheticRows(n, seed).flatMap((r, i) =>
    models.map((model, m) => {
      const prompt = `${r.prompt} [set ${seed}, row ${i}]`;
      const record: OutcomeRecord = { prompt, model, score: r.scores[m] ?? 0, task: r.task === "math" ? "arithmetic-homework" : "poetry club" };
      if (cost) record.cost = (r.costs?.[m] ?? 1) / 1000;
      return JSON.stringify(record);
    }),
  );
  await writeFile(file(name), `${lines.join("\n")}\n`);
  return file(name);
}

type EvalJson = Record<string, { tasks: { task: string; n: number; methods: { method: string; metrics: { quality: number } }[]; curve: unknown }[]; verdicts: unknown[]; skipped: string[] }>;
const readJson = async (out: string): Promise<EvalJson> => JSON.parse(await readFile(join(out, "router-eval.json"), "utf8")) as EvalJson;

let trained: Awaited<ReturnType<typeof switchyard>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "switchyard-router-eval-"));
  await writeRecords("train.jsonl", 120, 1, false);
  await writeRecords("test.jsonl", 60, 2, false);
  // The artifact every --artifact case evaluates.
  trained = await switchyard(["router", "train", "--records", file("train.jsonl"), ...fit, "--out", file("art"), "--version", "r1"]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("router train on records", () => {
  it("takes the shared fit options, records them in the sidecar and logs plain progress lines with elapsed time and ETA", async () => {
    const r = trained;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^train .*train\.jsonl: epoch 0\/\d+, 0s elapsed, ETA –$/m);
    expect(r.stderr).toMatch(/: done, epoch \d+\/\d+ in \d+s$/m);
    const meta = JSON.parse(await readFile(file("art/r1.json"), "utf8")) as { modelIds: string[]; metrics: { settings: unknown } };
    expect(meta.modelIds).toEqual(["generalist", "math", "poet"]);
    expect(meta.metrics.settings).toEqual({ epochs: 3, folds: 2, hidden: 8, embed: 4, seed: 3 });
  });
});

describe("router eval on records", () => {
  it("evaluates a trained artifact on a records file it never saw, per task of the file, against the baselines, with a verdict", async () => {
    const r = await switchyard(["router", "eval", "--train", file("train.jsonl"), "--records", file("test.jsonl"), "--artifact", file("art/r1.onnx"), "--out", file("e-art")]);
    expect(r.code, r.stderr).toBe(0);
    const report = (await readJson(file("e-art")))["test.jsonl"];
    expect(report?.tasks.map((t) => [t.task, t.n])).toEqual([["arithmetic-homework", 30], ["poetry club", 30]]);
    const methods = report?.tasks[0]?.methods.map((m) => m.method);
    for (const m of ["router (learned MF)", "kNN (same features)", "best single (train)", "random (expectation)", "oracle"]) expect(methods).toContain(m);
    expect(report?.verdicts).toHaveLength(2);
    const md = await readFile(file("e-art/router-eval.md"), "utf8");
    expect(md).toMatch(/\*\*On these held-out prompts\*\* \(60 in 2 test tasks\): The router (beats|is within noise of|ties with|falls behind) best single \(train\): .* kNN \(same features\)/);
    expect(md).toContain(`trained artifact ${file("art/r1.onnx")}`);
  });

  it("fits, with the same fit options as router train, the same router as the artifact", async () => {
    const records = ["--train", file("train.jsonl"), "--records", file("test.jsonl")];
    const [a, f] = [await switchyard(["router", "eval", ...records, "--artifact", file("art/r1.onnx"), "--out", file("e-same-art")]), await switchyard(["router", "eval", ...records, ...fit, "--out", file("e-fit")])];
    expect(a.code, a.stderr).toBe(0);
    expect(f.code, f.stderr).toBe(0);
    const fitted = (await readJson(file("e-fit")))["test.jsonl"]?.tasks;
    const artifact = (await readJson(file("e-same-art")))["test.jsonl"]?.tasks;
    expect(fitted?.map((t) => t.methods)).toEqual(artifact?.map((t) => t.methods));
  });

  it("evaluates cost per record: a quality–cost curve and operating point per task", async () => {
    await writeRecords("train-cost.jsonl", 120, 1, true);
    await writeRecords("test-cost.jsonl", 60, 2, true);
    const r = await switchyard(["router", "eval", "--train", file("train-cost.jsonl"), "--records", file("test-cost.jsonl"), ...fit, "--out", file("e-cost")]);
    expect(r.code, r.stderr).toBe(0);
    const tasks = (await readJson(file("e-cost")))["test-cost.jsonl"]?.tasks ?? [];
    expect(tasks).toHaveLength(2);
    for (const t of tasks) expect(t.curve).toMatchObject({ operatingPoint: { budgetShare: 0.3 } });
  });

  it("leaves out test prompts that the train rows hold, and says so", async () => {
    const train = (await readFile(file("train.jsonl"), "utf8")).split("\n").slice(0, 6);
    const test = await readFile(file("test.jsonl"), "utf8");
    await writeFile(file("test-overlap.jsonl"), `${train.join("\n")}\n${test}`);
    const r = await switchyard(["router", "eval", "--train", file("train.jsonl"), "--records", file("test-overlap.jsonl"), "--artifact", file("art/r1.onnx"), "--out", file("e-overlap")]);
    expect(r.code, r.stderr).toBe(0);
    const report = (await readJson(file("e-overlap")))["test-overlap.jsonl"];
    expect(report?.tasks.reduce((s, t) => s + t.n, 0)).toBe(60);
    expect(report?.skipped.join("\n")).toMatch(/2 × prompt also in the train rows/);
  });

  it("refuses an empty test file with a clear error", async () => {
    await writeFile(file("empty.jsonl"), "");
    const r = await switchyard(["router", "eval", "--train", file("train.jsonl"), "--records", file("empty.jsonl"), "--artifact", file("art/r1.onnx"), "--out", file("e-empty")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file("empty.jsonl")}: no row to evaluate on (0 skipped)`);
  });

  it("refuses an empty train file with a clear error", async () => {
    await writeFile(file("empty-train.jsonl"), "\n");
    const r = await switchyard(["router", "eval", "--train", file("empty-train.jsonl"), "--records", file("test.jsonl"), ...fit, "--out", file("e-empty-train")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file("empty-train.jsonl")}: no usable train rows (0 skipped)`);
  });

  it("refuses fit options next to --artifact, which fits nothing", async () => {
    const r = await switchyard(["router", "eval", "--train", file("train.jsonl"), "--records", file("test.jsonl"), "--artifact", file("art/r1.onnx"), "--hidden", "8"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--hidden: --artifact evaluates a trained router; these options fit one");
  });
});

describe("calibrate", () => {
  it("reads the shared fit options before it calls the tier", async () => {
    const r = await switchyard(["calibrate", "--tier", "http://127.0.0.1:9", "--folds", "1"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--folds takes an integer ≥ 2");
    expect(r.stderr).toContain("--hidden <n>");
  });
});
