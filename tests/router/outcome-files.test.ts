import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { evaluateRouter } from "../../src/router/evaluate.ts";
import { featurize } from "../../src/router/features.ts";
import { datasetNames, loadDataset, mergeSets } from "../../src/router/outcome-files.ts";
import { SkipLog } from "../../src/router/outcome-set.ts";

const data = await mkdtemp(join(tmpdir(), "outcome-files-"));
afterAll(() => rm(data, { recursive: true, force: true }));

/** Writes <data>/<dataset>/<file> in model7's layout: [{question, scores}]. */
async function model7File(dataset: string, file: string, rows: { question: string; scores: Record<string, number> }[]): Promise<void> {
  await mkdir(join(data, dataset), { recursive: true });
  await writeFile(join(data, dataset, file), JSON.stringify(rows));
}

describe("loadDataset", () => {
  it("reads any <task>_<split> files of a folder, in task order, columns lined up by model name", async () => {
    await model7File("mine", "legal_qa_train.json", [{ question: "Is a verbal contract binding?", scores: { beta: 1, alpha: 0 } }]);
    await model7File("mine", "code-train.json", [{ question: "Reverse a list in Python.", scores: { alpha: 1, beta: 0.5 } }]);
    await model7File("mine", "code_test.json", [{ question: "Sort a dict by value.", scores: { alpha: 0.25, beta: 1 } }]);
    await writeFile(join(data, "mine", "notes.txt"), "not a task file");
    const train = await loadDataset(data, "mine", "train");
    expect(train.map((s) => s.name)).toEqual(["code", "legal_qa"]);
    const merged = mergeSets("mine/train", train);
    expect(merged.modelIds).toEqual(["alpha", "beta"]);
    expect(merged.rows.map((r) => [r.task, Array.from(r.scores)])).toEqual([
      ["code", [1, 0.5]],
      ["legal_qa", [0, 1]],
    ]);
    expect((await loadDataset(data, "mine", "test")).map((s) => s.name)).toEqual(["code"]);
    expect(await datasetNames(data)).toContain("mine");
  });

  it("refuses an empty task file, and one whose rows were all skipped, naming the file", async () => {
    await model7File("empty", "a_train.json", [{ question: "q", scores: { m: 1 } }]);
    await model7File("empty", "a_test.json", []);
    await expect(loadDataset(data, "empty", "test")).rejects.toThrow(/a_test\.json: no usable rows$/);
    await model7File("skipped", "a_test.json", [{ question: "", scores: { m: 1 } }]);
    await expect(loadDataset(data, "skipped", "test")).rejects.toThrow(/a_test\.json: no usable rows; all 1 rows skipped:\n.*missing or empty question/);
  });

  it("refuses files of one dataset with different models, and a folder with no files of the split", async () => {
    await model7File("mixed", "a_train.json", [{ question: "q", scores: { m: 1, n: 0 } }]);
    await model7File("mixed", "b_train.json", [{ question: "q", scores: { m: 1, o: 0 } }]);
    await expect(loadDataset(data, "mixed", "train")).rejects.toThrow(/b_train\.json: a different model set from the other files \(lacks n; adds o\)/);
    await expect(loadDataset(data, "mixed", "test")).rejects.toThrow(/no test files/);
    await expect(loadDataset(data, "absent", "test")).rejects.toThrow(/absent: no such dataset folder/);
  });
});

describe("evaluateRouter", () => {
  it("refuses a test task with no rows instead of counting it as 0%", () => {
    const train = [{ prompt: "p", task: "t", scores: Float32Array.from([1]), costs: null }];
    const input = { modelIds: ["m"], train, trainX: train.map((r) => featurize(r.prompt)), validation: train, featurize, predict: () => [1] };
    expect(() => evaluateRouter({ ...input, test: [{ name: "t", modelIds: ["m"], rows: [], skipped: new SkipLog() }] })).toThrow("test task 't' has no rows");
  });
});
