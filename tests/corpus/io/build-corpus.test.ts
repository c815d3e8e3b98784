/**
 * The corpus build on a small file tree made here (never the host's files): a node_modules, a /usr/share and a
 * python standard library, with the cases the sources must handle.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { corpusManifestSchema, corpusRecordSchema } from "../../../src/corpus/corpus-manifest.ts";
import { buildCorpus, type CorpusRoots, corpusRoots } from "../../../src/corpus/io/build-corpus.ts";
import { wordsText } from "../support/synthetic-texts.ts";

const root = join(import.meta.dirname, "../../..");
const limits = { maxDomainBytes: 1 << 20, maxDocBytes: 1 << 16, maxGroupBytes: 1 << 20 };
let dir: string;
let roots: CorpusRoots;

/** A distinct text of n words for fixture number k. */
const distinct = (k: number, n = 80) => wordsText(Array.from({ length: n }, (_, i) => k * 1000 + i));
const code = (k: number) => `// fixture ${k}\n${distinct(k).split("\n").map((l) => `export const v${k} = "${l}";`).join("\n")}\n`;
const mit = (holder: string) => `MIT License\n\nCopyright (c) ${holder}\n\n${distinct(900, 120)}`;

function put(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
}

function fileTree(out: string): Record<string, string> {
  const files: Record<string, string> = {};
  const visit = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) visit(join(d, e.name), `${prefix}${e.name}/`);
      else files[`${prefix}${e.name}`] = readFileSync(join(d, e.name), "utf8");
    }
  };
  visit(out, "");
  return files;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "switchyard-corpus-"));
  put("nm/pkg-a/index.js", code(1));
  put("nm/pkg-a/lib/util.ts", code(2));
  put("nm/pkg-a/dist/app.min.js", code(3));
  put("nm/pkg-a/LICENSE", mit("2020 A"));
  put("nm/pkg-b/copy.js", code(1)); // an exact copy of pkg-a/index.js
  put("nm/pkg-b/bundle.js", `${"var x=1;".repeat(800)}\n`); // minified
  put("nm/pkg-b/LICENSE.md", mit("2021 B")); // a near copy of pkg-a's licence
  put("nm/pkg-b/node_modules/@s/c/lib.mjs", code(4));
  put("nm/pkg-b/tiny.js", "module.exports = 1;\n");
  put("nm/pkg-b/blob.js", Uint8Array.from([0x66, 0x00, 0x6f]));
  mkdirSync(join(dir, "nm/.bin"), { recursive: true });
  symlinkSync(join(dir, "nm/pkg-a/index.js"), join(dir, "nm/.bin/tool.js"));
  put("share/man/man1/tool.1.gz", gzipSync(`.TH TOOL 1\n.SH NAME\ntool \\- a fixture\n.SH DESCRIPTION\n${distinct(5)}`));
  put("share/man/man1/alias.1", ".so man1/tool.1\n");
  put("share/man/de/man1/tool.1.gz", gzipSync(`.SH NAME\n${distinct(6)}`));
  put("share/doc/tool/README.md", distinct(7));
  put("share/doc/tool/changelog.Debian.gz", gzipSync(distinct(8)));
  put("share/doc/tool/copyright", `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n${distinct(9)}`);
  put("share/common-licenses/Apache-2.0", distinct(10));
  symlinkSync(join(dir, "share/common-licenses/Apache-2.0"), join(dir, "share/common-licenses/Apache"));
  put("py/json/__init__.py", `"""json."""\n${distinct(11)}`);
  put("py/os.py", distinct(12));
  put("py/site-packages/pkg/mod.py", distinct(13));
  put("py/__pycache__/os.cpython-311.pyc", distinct(14));
  roots = corpusRoots(join(dir, "nm"), join(dir, "share"), join(dir, "py"));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("buildCorpus", () => {
  it("writes every domain from the tree's sources and counts what it dropped", async () => {
    const out = join(dir, "out-1");
    const manifest = await buildCorpus(out, roots, limits);
    expect(corpusManifestSchema.parse(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")))).toEqual(manifest);
    const ids = Object.entries(fileTree(out))
      .filter(([path]) => path.endsWith(".jsonl"))
      .flatMap(([, text]) => text.split("\n").filter((l) => l !== "").map((l) => corpusRecordSchema.parse(JSON.parse(l)).id))
      .sort();
    expect(ids).toHaveLength(10);
    expect(ids).toEqual(
      expect.arrayContaining([
        "common-licenses:Apache-2.0",
        "debian-copyright:tool/copyright",
        "man-pages:man1/tool.1.gz",
        "npm-code:pkg-a/lib/util.ts",
        "npm-code:pkg-b/node_modules/@s/c/lib.mjs",
        "package-docs:tool/README.md",
        "python-stdlib:json/__init__.py",
        "python-stdlib:os.py",
      ]),
    );
    // Exactly one of the two identical files, and one of the two near-identical licences.
    expect(ids.filter((id) => /^npm-code:(pkg-a\/index|pkg-b\/copy)\.js$/.test(id))).toHaveLength(1);
    expect(ids.filter((id) => /^npm-licences:pkg-(a\/LICENSE|b\/LICENSE\.md)$/.test(id))).toHaveLength(1);
    const { code, legal, prose } = manifest.domains;
    expect(code.counts).toMatchObject({ candidates: 7, exactDuplicates: 1, machineWritten: 1, tooShort: 1, notText: 1 });
    expect(legal.counts).toMatchObject({ candidates: 4, nearDuplicates: 1 });
    expect(prose.counts).toMatchObject({ candidates: 3, tooShort: 1 }); // the .so page renders to nothing
  });

  it("records each source's root and its candidates", async () => {
    const manifest = await buildCorpus(join(dir, "out-sources"), roots, limits);
    expect(manifest.sources.map((s) => [s.name, s.root, s.candidates])).toEqual([
      ["npm-code", join(dir, "nm"), 7],
      ["python-stdlib", join(dir, "py"), 2],
      ["man-pages", join(dir, "share/man"), 2],
      ["package-docs", join(dir, "share/doc"), 1],
      ["common-licenses", join(dir, "share/common-licenses"), 1],
      ["debian-copyright", join(dir, "share/doc"), 1],
      ["npm-licences", join(dir, "nm"), 2],
    ]);
  });

  it("writes byte-identical files, and the same hash, when run twice", async () => {
    const a = await buildCorpus(join(dir, "twice-a"), roots, limits);
    const b = await buildCorpus(join(dir, "twice-b"), roots, limits);
    expect(b.sha256).toBe(a.sha256);
    expect(fileTree(join(dir, "twice-b"))).toEqual(fileTree(join(dir, "twice-a")));
  });

  it("records a source the machine lacks as not found and builds the rest", async () => {
    const manifest = await buildCorpus(join(dir, "out-missing"), corpusRoots(join(dir, "nm"), join(dir, "no-such-share"), null), limits);
    const missing = manifest.sources.filter((s) => s.root === null).map((s) => s.name);
    expect(missing).toEqual(["python-stdlib", "man-pages", "package-docs", "common-licenses", "debian-copyright"]);
    expect(manifest.domains.prose.train.documents + manifest.domains.prose.heldout.documents).toBe(0);
    expect(manifest.domains.code.counts.kept).toBe(3);
  });

  it("replaces an earlier corpus whole, and refuses to replace a directory that is not one", async () => {
    const out = join(dir, "out-replace");
    await buildCorpus(out, roots, limits);
    writeFileSync(join(out, "stale.txt"), "left from before");
    await buildCorpus(out, roots, limits);
    expect(readdirSync(out)).not.toContain("stale.txt");
    mkdirSync(join(dir, "not-a-corpus"));
    writeFileSync(join(dir, "not-a-corpus/keep.txt"), "mine");
    await expect(buildCorpus(join(dir, "not-a-corpus"), roots, limits)).rejects.toThrow(/not a corpus directory/);
    expect(readdirSync(join(dir, "not-a-corpus"))).toEqual(["keep.txt"]);
  });
});

describe("switchyard demo corpus", () => {
  it("builds the corpus from the roots it is given and prints its hash", async () => {
    const out = join(dir, "out-cli");
    const args = ["--out", out, "--node-modules", join(dir, "nm"), "--usr-share", join(dir, "share"), "--python-stdlib", join(dir, "py"), "--max-domain-mb", "1"];
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", join(root, "src/cli/main.ts"), "demo", "corpus", ...args], { cwd: root });
    const manifest = corpusManifestSchema.parse(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")));
    expect(stdout).toContain(`sha256 ${manifest.sha256}`);
    expect(manifest.limits).toEqual({ maxDomainBytes: 1 << 20, maxGroupBytes: 3 << 20, maxDocBytes: 64 << 10 });
  });
});
