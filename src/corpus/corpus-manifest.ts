/**
 * The corpus as files: per domain a train and a held-out JSON Lines file of {id, domain, source, text}, and a
 * manifest with where the documents came from, what was counted, every file's SHA-256 and one hash of them all.
 * Nothing in it depends on the time or the run, so building twice gives the same bytes.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { MACHINE_LINES, utf8Bytes } from "./document-text.ts";
import { NEAR_DUPLICATE_PARAMS } from "./near-duplicates.ts";
import { CORPUS_DOMAINS, corpusDomainSchema, domainCountsSchema, SELECTION_RULES, type Selection, type SelectionLimits } from "./select-documents.ts";
import { corpusSplitSchema } from "./split-assignment.ts";

export const CORPUS_FORMAT = "switchyard-corpus/1";
export const MANIFEST_FILE = "manifest.json";

/** One line of a corpus file. */
export const corpusRecordSchema = z.strictObject({
  id: z.string(),
  domain: corpusDomainSchema,
  source: z.string(),
  text: z.string(),
});
export type CorpusRecord = z.infer<typeof corpusRecordSchema>;

const count = z.number().int().nonnegative();
const splitTotalsSchema = z.strictObject({ documents: count, bytes: count });

/** What the I/O layer found for one source. */
export const sourceFoundSchema = z.strictObject({
  name: z.string(),
  domain: corpusDomainSchema,
  /** The directory read, or null when the machine has none. */
  root: z.string().nullable(),
  /** Files that matched the source's rules, before any was read. */
  candidates: count,
});
export type SourceFound = z.infer<typeof sourceFoundSchema>;

export const corpusManifestSchema = z.strictObject({
  format: z.literal(CORPUS_FORMAT),
  limits: z.strictObject({ maxDomainBytes: count, maxDocBytes: count, maxGroupBytes: count }),
  rules: z.strictObject({
    minDocBytes: count,
    heldoutFraction: z.number(),
    machineLines: z.strictObject({ meanLineChars: count, maxLineChars: count }),
    nearDuplicates: z.strictObject({ shingleWords: count, threshold: z.number(), bands: count, rows: count, estimateMargin: z.number() }),
  }),
  sources: z.array(sourceFoundSchema.extend({ documents: count, bytes: count })),
  domains: z.record(corpusDomainSchema, z.strictObject({ train: splitTotalsSchema, heldout: splitTotalsSchema, counts: domainCountsSchema })),
  files: z.array(z.strictObject({ path: z.string(), domain: corpusDomainSchema, split: corpusSplitSchema, documents: count, bytes: count, sha256: z.string() })),
  /** SHA-256 over every file's path and SHA-256, in the order listed. */
  sha256: z.string(),
});
export type CorpusManifest = z.infer<typeof corpusManifestSchema>;

/** A corpus file to write: its path under the corpus directory and its content. */
export interface CorpusFile {
  path: string;
  content: string;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The corpus's files, the manifest last; every domain's two files are always there (empty when nothing was kept). */
export function corpusFiles(selection: Selection, limits: SelectionLimits, sources: readonly SourceFound[]): { files: CorpusFile[]; manifest: CorpusManifest } {
  const data = CORPUS_DOMAINS.flatMap((domain) =>
    corpusSplitSchema.options.map((split) => {
      const docs = selection.documents.filter((d) => d.domain === domain && d.split === split);
      const content = docs.map(({ id, source, text }) => `${JSON.stringify({ id, domain, source, text } satisfies CorpusRecord)}\n`).join("");
      return { path: `${domain}/${split}.jsonl`, domain, split, content, documents: docs.length };
    }),
  );
  const files = data.map(({ path, domain, split, content, documents }) => ({ path, domain, split, documents, bytes: utf8Bytes(content), sha256: sha256(content) }));
  const totals = (domain: string, split: string) => {
    const docs = selection.documents.filter((d) => d.domain === domain && d.split === split);
    return { documents: docs.length, bytes: docs.reduce((s, d) => s + utf8Bytes(d.text), 0) };
  };
  const manifest: CorpusManifest = {
    format: CORPUS_FORMAT,
    limits: { ...limits },
    rules: { ...SELECTION_RULES, machineLines: { ...MACHINE_LINES }, nearDuplicates: { ...NEAR_DUPLICATE_PARAMS } },
    sources: sources.map((s) => {
      const docs = selection.documents.filter((d) => d.source === s.name);
      return { ...s, documents: docs.length, bytes: docs.reduce((sum, d) => sum + utf8Bytes(d.text), 0) };
    }),
    domains: Object.fromEntries(
      CORPUS_DOMAINS.map((d) => [d, { train: totals(d, "train"), heldout: totals(d, "heldout"), counts: selection.counts[d] }]),
    ) as CorpusManifest["domains"],
    files,
    sha256: corpusHash(files),
  };
  const manifestFile = { path: MANIFEST_FILE, content: `${JSON.stringify(manifest, null, 2)}\n` };
  return { files: [...data.map(({ path, content }) => ({ path, content })), manifestFile], manifest };
}

/** The corpus's hash: SHA-256 over each file's path and SHA-256, one line each, in order. */
export function corpusHash(files: readonly { path: string; sha256: string }[]): string {
  return sha256(files.map((f) => `${f.path}\t${f.sha256}\n`).join(""));
}
