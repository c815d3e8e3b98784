import { buildCorpus, corpusRoots, locatePythonStdlib } from "../../corpus/io/build-corpus.ts";
import type { CorpusManifest } from "../../corpus/corpus-manifest.ts";
import { CORPUS_DOMAINS } from "../../corpus/select-documents.ts";
import { integerOption, parseCommandArgs } from "../command-args.ts";

const usage = `usage: switchyard demo corpus [options]

Builds the domain corpora (code, python, prose, legal) from what this machine's npm and Debian installs hold,
offline and deterministically: per domain a train and a held-out JSON Lines file of {id, domain, source, text},
and manifest.json with the sources found, counts, and the corpus's SHA-256 (docs/corpus.md).
  --out <dir>             where to write                                  [.build/corpus]
  --max-domain-mb <n>     most MiB of text per domain                     [24]
  --max-group-mb <n>      most MiB per package or command family          [3]
  --max-doc-kb <n>        most KiB per document, cut at a line end        [64]
  --node-modules <dir>    JavaScript/TypeScript and LICENSE files          [node_modules]
  --usr-share <dir>       man pages, package docs, common-licenses        [/usr/share]
  --python-stdlib <dir>   python3's standard library             [asked of python3]`;

const MiB = 2 ** 20;

/** `switchyard demo corpus [options]` */
export async function run(argv: string[]): Promise<void> {
  const args = parseCommandArgs(argv, usage, {
    options: {
      out: { type: "string", default: ".build/corpus" },
      "max-domain-mb": { type: "string", default: "24" },
      "max-group-mb": { type: "string", default: "3" },
      "max-doc-kb": { type: "string", default: "64" },
      "node-modules": { type: "string", default: "node_modules" },
      "usr-share": { type: "string", default: "/usr/share" },
      "python-stdlib": { type: "string" },
    },
  });
  if (!args) return;
  const v = args.values;
  const limits = {
    maxDomainBytes: integerOption("max-domain-mb", v["max-domain-mb"], usage, { max: 4096 }) * MiB,
    maxGroupBytes: integerOption("max-group-mb", v["max-group-mb"], usage, { max: 4096 }) * MiB,
    maxDocBytes: integerOption("max-doc-kb", v["max-doc-kb"], usage, { max: 65_536 }) * 1024,
  };
  const stdlib = v["python-stdlib"] ?? (await locatePythonStdlib());
  const manifest = await buildCorpus(v.out, corpusRoots(v["node-modules"], v["usr-share"], stdlib), limits);
  console.log(summary(manifest, v.out));
}

function summary(m: CorpusManifest, out: string): string {
  const mb = (bytes: number) => `${(bytes / MiB).toFixed(2)} MiB`;
  const sources = m.sources.map((s) => `  ${s.name.padEnd(17)} ${s.root === null ? "not found" : `${String(s.documents).padStart(6)} docs ${mb(s.bytes).padStart(10)}  ${s.root}`}`);
  const domains = CORPUS_DOMAINS.map((d) => {
    const { train, heldout, counts } = m.domains[d];
    return `  ${d.padEnd(7)} train ${String(train.documents).padStart(6)} docs ${mb(train.bytes).padStart(10)}   heldout ${String(heldout.documents).padStart(5)} docs ${mb(heldout.bytes).padStart(9)}   dropped: ${counts.exactDuplicates} exact, ${counts.nearDuplicates} near duplicates`;
  });
  return ["sources:", ...sources, "domains:", ...domains, `corpus ${out}  sha256 ${m.sha256}`].join("\n");
}
