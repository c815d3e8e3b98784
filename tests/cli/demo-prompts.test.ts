/** `switchyard demo prompts` on a small corpus written here: two split files, every held-out document in one. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { run } from "../../src/cli/commands/demo-prompts.ts";
import { CORPUS_DOMAINS } from "../../src/corpus/select-documents.ts";
import { promptRecordSchema } from "../../src/corpus/prompt-windows.ts";

const dir = mkdtempSync(join(tmpdir(), "demo-prompts-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeCorpus(root: string, docsPerDomain: number): void {
  for (const domain of CORPUS_DOMAINS) {
    mkdirSync(join(root, domain), { recursive: true });
    const lines = Array.from({ length: docsPerDomain }, (_, i) => {
      const text = Array.from({ length: 40 }, (_, l) => `${domain} document ${i} line ${l}: some words to fill it out`).join("\n");
      return JSON.stringify({ id: `${domain}-src:${i}.txt`, domain, source: `${domain}-src`, text });
    });
    writeFileSync(join(root, domain, "heldout.jsonl"), `${lines.join("\n")}\n`);
  }
}

const read = (file: string) =>
  readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((l) => promptRecordSchema.parse(JSON.parse(l)));

describe("switchyard demo prompts", () => {
  it("writes calibration and eval prompts from disjoint held-out documents of every domain", async () => {
    const corpus = join(dir, "corpus");
    writeCorpus(corpus, 20);
    vi.spyOn(console, "log").mockImplementation(() => {});
    await run(["--corpus", corpus, "--out", join(dir, "prompts"), "--per-document", "2"]);
    const calibration = read(join(dir, "prompts/calibration.jsonl"));
    const evaluation = read(join(dir, "prompts/eval.jsonl"));
    const docs = (rs: typeof calibration) => new Set(rs.map((r) => r.id.slice(0, r.id.lastIndexOf("#"))));
    expect([...docs(calibration)].filter((d) => docs(evaluation).has(d))).toEqual([]);
    expect(calibration.length + evaluation.length).toBe(4 * 20 * 2);
    for (const domain of CORPUS_DOMAINS) {
      expect(calibration.some((r) => r.task === domain)).toBe(true);
      expect(evaluation.some((r) => r.task === domain)).toBe(true);
    }
    expect(calibration.every((r) => r.split === "calibration" && r.prompt.length <= 1200)).toBe(true);
  });

  it("says how to build the corpus when there is none", async () => {
    await expect(run(["--corpus", join(dir, "nothing"), "--out", join(dir, "p2")])).rejects.toThrow(/switchyard demo corpus/);
  });
});
