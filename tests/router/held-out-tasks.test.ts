import { describe, expect, it } from "vitest";
import { heldOutTasks } from "../../src/router/held-out-tasks.ts";
import { readOutcomeRecords } from "../../src/router/read-records.ts";

const records = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join("\n");

describe("heldOutTasks", () => {
  const train = readOutcomeRecords(records([{ prompt: "seen", model: "b", score: 1 }, { prompt: "seen", model: "a", score: 0 }]), "train.jsonl");
  const test = readOutcomeRecords(
    records([
      { prompt: "seen", model: "a", score: 1, task: "x" },
      { prompt: "seen", model: "b", score: 1, task: "x" },
      { prompt: "new", model: "b", score: 0.5, task: "y" },
      { prompt: "new", model: "a", score: 1, task: "y" },
      { prompt: "new", model: "c", score: 1, task: "y" },
      { prompt: "half", model: "a", score: 1, task: "x" },
    ]),
    "test.jsonl",
  );

  it("keeps rows with a score for every train model, in the train column order, one set per task", () => {
    const held = heldOutTasks(test, train);
    expect(held.tasks.map((t) => [t.name, t.modelIds, t.rows.map((r) => [r.prompt, Array.from(r.scores)])])).toEqual([["y", ["a", "b"], [["new", [1, 0.5]]]]]);
    expect(held.extraModels).toEqual(["c"]);
  });

  it("logs the prompts the train rows hold and the rows a model's score is missing from", () => {
    const reasons = heldOutTasks(test, train).skipped.entries().map((e) => [e.reason, e.count]);
    expect(reasons).toEqual([["prompt also in the train rows", 1], ["no score for b", 1]]);
  });

  it("refuses a file with nothing left to evaluate", () => {
    expect(() => heldOutTasks(readOutcomeRecords("", "empty.jsonl"), train)).toThrow("empty.jsonl: no row to evaluate on (0 skipped)");
  });
});
