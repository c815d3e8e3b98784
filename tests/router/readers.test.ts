import { describe, expect, it } from "vitest";
import { parseCsv } from "../../src/router/csv-table.ts";
import { parsePythonStringList } from "../../src/router/python-list-literal.ts";
import { readModel7Json } from "../../src/router/read-model7.ts";
import { lossToQuality, readOutcomeRecords } from "../../src/router/read-records.ts";
import { readRouterBenchCsv } from "../../src/router/read-routerbench.ts";

describe("parsePythonStringList", () => {
  it("reads single and double quotes, escapes and adjacent literals", () => {
    expect(parsePythonStringList(`['a\\nb', "it's", 'x' 'y', '\\x41\\u00e9\\\\']`)).toEqual(["a\nb", "it's", "xy", "Aé\\"]);
  });
  it("reads an empty list and a trailing comma", () => {
    expect(parsePythonStringList("[]")).toEqual([]);
    expect(parsePythonStringList("['a',]")).toEqual(["a"]);
  });
  it("rejects code instead of evaluating it", () => {
    expect(() => parsePythonStringList("[__import__('os')]")).toThrow(/expected a quoted string/);
    expect(() => parsePythonStringList("['a'] + ['b']")).toThrow(/trailing/);
    expect(() => parsePythonStringList("['unterminated]")).toThrow(/unterminated/);
  });
});

describe("parseCsv", () => {
  it("keeps commas, doubled quotes and newlines inside quoted fields, and reports each row's line", () => {
    const { header, rows } = parseCsv('a,b\n"x, ""y""","line1\nline2"\nlast,row\n');
    expect(header).toEqual(["a", "b"]);
    expect(rows.map((r) => r.cells)).toEqual([['x, "y"', "line1\nline2"], ["last", "row"]]);
    expect(rows.map((r) => r.line)).toEqual([2, 4]);
  });
});

const RB_HEADER = ",sample_id,prompt,eval_name,m1,m2,m1|model_response,m2|model_response,m1|total_cost,m2|total_cost,oracle_model_to_route_to";
const rb = (prompt: string, s1: string, s2: string, c1 = "0.001", c2 = "0.002") => `0,id,"${prompt}",e,${s1},${s2},r1,r2,${c1},${c2},m1`;

describe("readRouterBenchCsv", () => {
  it("reads prompts, scores and costs of good rows and skips bad ones with reasons and lines", () => {
    const text = [RB_HEADER, rb("['What is 2+2?']", "1", "0"), rb("['ok']", "", "1"), rb("not a list", "1", "1"), rb("['ok']", "1.5", "0"), rb("['ok']", "1", "0", "-1"), rb("['Two', 'turns']", "0", "1")].join("\n");
    const set = readRouterBenchCsv(text, "t.csv", "arc");
    expect(set.modelIds).toEqual(["m1", "m2"]);
    expect(set.rows.map((r) => r.prompt)).toEqual(["What is 2+2?", "Two\nturns"]);
    expect(Array.from(set.rows[0]?.scores ?? [])).toEqual([1, 0]);
    expect(Array.from(set.rows[0]?.costs ?? []).map((c) => Number(c.toFixed(4)))).toEqual([0.001, 0.002]);
    const reasons = Object.fromEntries(set.skipped.entries().map((e) => [e.reason, e.examples]));
    expect(reasons["empty score for 'm1'"]).toEqual(["t.csv:3"]);
    expect(Object.keys(reasons).some((r) => r.startsWith("prompt is not a list"))).toBe(true);
    expect(reasons["score for 'm1' not in [0,1]"]).toEqual(["t.csv:5"]);
    expect(reasons["missing or negative cost for 'm1'"]).toEqual(["t.csv:6"]);
    expect(set.skipped.total).toBe(4);
  });
});

describe("readModel7Json", () => {
  it("skips rows with a missing question or a missing, non-numeric or out-of-range score", () => {
    const rows = [
      { question: "q1", scores: { a: 0.5, b: 1 } },
      { question: "", scores: { a: 0.5, b: 1 } },
      { question: "q3", scores: { a: 0.5 } },
      { question: "q4", scores: { a: "0.5", b: 1 } },
      { question: "q5", scores: { a: 2, b: 1 } },
      { question: "q6", scores: { a: 0, b: 0.25 } },
    ];
    const set = readModel7Json(JSON.stringify(rows), "m.json", "mmlu");
    expect(set.modelIds).toEqual(["a", "b"]);
    expect(set.rows.map((r) => r.prompt)).toEqual(["q1", "q6"]);
    expect(set.skipped.total).toBe(4);
    expect(set.skipped.describe().join("\n")).toMatch(/missing or non-numeric score for 'b'.*m\.json\[2\]/);
  });
  it("refuses a file that is not a JSON array", () => {
    expect(() => readModel7Json("{}", "m.json", "x")).toThrow(/JSON array/);
  });
});

describe("readOutcomeRecords", () => {
  it("groups records by prompt, turns losses into exp(−NLL) quality and leaves unmeasured models NaN", () => {
    const lines = [
      JSON.stringify({ prompt: "p1", model: "a", score: 1 }),
      JSON.stringify({ prompt: "p1", model: "b", loss: 2 }),
      JSON.stringify({ prompt: "p2", model: "a", score: 0 }),
      JSON.stringify({ prompt: "p2", model: "a", score: 1 }),
      "not json",
      JSON.stringify({ prompt: "p3", model: "a", score: 1, loss: 1 }),
      JSON.stringify({ prompt: "p3", model: "a", score: 1.5 }),
    ].join("\n");
    const set = readOutcomeRecords(lines, "r.jsonl");
    expect(set.modelIds).toEqual(["a", "b"]);
    const p1 = set.rows.find((r) => r.prompt === "p1");
    expect(p1?.scores[1]).toBeCloseTo(lossToQuality(2), 6);
    const p2 = set.rows.find((r) => r.prompt === "p2");
    expect(p2?.scores[0]).toBeCloseTo(0.5, 6);
    expect(Number.isNaN(p2?.scores[1])).toBe(true);
    expect(set.skipped.total).toBe(3);
  });
});

describe("readOutcomeRecords with cost", () => {
  it("carries each record's cost into its row (the mean over repeats), in the model order of the scores", () => {
    const lines = [
      { prompt: "p1", model: "b", score: 1, cost: 0.004, task: "legal" },
      { prompt: "p1", model: "a", score: 0, cost: 0.001, task: "legal" },
      { prompt: "p1", model: "a", score: 1, cost: 0.003, task: "legal" },
    ].map((r) => JSON.stringify(r));
    const set = readOutcomeRecords(lines.join("\n"), "c.jsonl");
    expect(set.skipped.total).toBe(0);
    expect(set.modelIds).toEqual(["a", "b"]);
    expect(set.rows[0]?.task).toBe("legal");
    expect(Array.from(set.rows[0]?.scores ?? [])).toEqual([0.5, 1]);
    expect(Array.from(set.rows[0]?.costs ?? []).map((c) => Number(c.toFixed(6)))).toEqual([0.002, 0.004]);
  });

  it("skips a negative cost, and refuses a file where only some records have a cost", () => {
    const negative = readOutcomeRecords(JSON.stringify({ prompt: "p", model: "a", score: 1, cost: -1 }), "n.jsonl");
    expect(negative.skipped.describe().join("\n")).toMatch(/cost: .*>=0/);
    const mixed = [JSON.stringify({ prompt: "p", model: "a", score: 1, cost: 0.1 }), JSON.stringify({ prompt: "p", model: "b", score: 1 })].join("\n");
    expect(() => readOutcomeRecords(mixed, "m.jsonl")).toThrow("m.jsonl: 1 of 2 records have a cost; give every record a cost, or none");
  });
});
