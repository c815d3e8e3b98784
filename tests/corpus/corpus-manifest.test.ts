import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { corpusFiles, corpusHash, corpusManifestSchema, corpusRecordSchema, MANIFEST_FILE } from "../../src/corpus/corpus-manifest.ts";
import { type Candidate, CORPUS_DOMAINS, selectDocuments } from "../../src/corpus/select-documents.ts";
import { wordsText } from "./support/synthetic-texts.ts";

const limits = { maxDomainBytes: 1e6, maxDocBytes: 1e5, maxGroupBytes: 1e6 };
// Sixty distinct documents in code and python, none elsewhere.
const candidates: Candidate[] = Array.from({ length: 60 }, (_, i) => ({
  id: `src-${i % 2}:file-${i}`,
  domain: i % 2 === 0 ? "code" : "python",
  source: `src-${i % 2}`,
  group: "g",
  load: () => wordsText(Array.from({ length: 80 }, (__, j) => i * 80 + j)),
}));
const sources = [
  { name: "src-0", domain: "code" as const, root: "/x/node_modules", candidates: 30 },
  { name: "src-1", domain: "python" as const, root: "/x/python", candidates: 30 },
  { name: "absent", domain: "prose" as const, root: null, candidates: 0 },
];
const { files, manifest } = corpusFiles(selectDocuments(candidates, limits), limits, sources);
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const content = (path: string) => files.find((f) => f.path === path)?.content ?? "";

describe("corpusFiles", () => {
  it("writes a train and a held-out file for every domain, then the manifest", () => {
    expect(files.map((f) => f.path)).toEqual([...CORPUS_DOMAINS.flatMap((d) => [`${d}/train.jsonl`, `${d}/heldout.jsonl`]), MANIFEST_FILE]);
    expect(content("prose/train.jsonl")).toBe("");
  });

  it("writes one {id, domain, source, text} record a line", () => {
    const records = content("code/train.jsonl").trimEnd().split("\n").map((l) => corpusRecordSchema.parse(JSON.parse(l)));
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) expect([r.domain, r.source]).toEqual(["code", "src-0"]);
  });

  it("writes a manifest that its schema reads, with the file hashes and the corpus hash over them", () => {
    const read = corpusManifestSchema.parse(JSON.parse(content(MANIFEST_FILE)));
    expect(read).toEqual(manifest);
    for (const f of read.files) expect(f.sha256).toBe(sha256(content(f.path)));
    expect(read.sha256).toBe(corpusHash(read.files));
  });

  it("counts each split's documents and text bytes, and each source's", () => {
    const lines = (path: string) => content(path).split("\n").filter((l) => l !== "");
    for (const d of CORPUS_DOMAINS) {
      for (const split of ["train", "heldout"] as const) {
        const records = lines(`${d}/${split}.jsonl`).map((l) => corpusRecordSchema.parse(JSON.parse(l)));
        expect(manifest.domains[d][split]).toEqual({ documents: records.length, bytes: records.reduce((s, r) => s + Buffer.byteLength(r.text), 0) });
      }
    }
    expect(manifest.domains.code.train.documents + manifest.domains.code.heldout.documents).toBe(30);
    expect(manifest.sources.map((s) => [s.name, s.documents])).toEqual([["src-0", 30], ["src-1", 30], ["absent", 0]]);
  });

  it("changes the corpus hash when any file changes", () => {
    const changed = manifest.files.map((f, i) => (i === 3 ? { ...f, sha256: sha256("other") } : f));
    expect(corpusHash(changed)).not.toBe(manifest.sha256);
  });
});
