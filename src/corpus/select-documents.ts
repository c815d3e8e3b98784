/**
 * From candidate files to the corpus's documents: each domain's candidates are read in an order fixed by a hash
 * of their ids (never the file system's), normalised and capped, filtered, deduplicated exactly and then
 * against near copies across every domain kept so far, and assigned a split by id. Since no document is kept
 * that nearly copies one kept before it, no held-out document has a near copy in training, in any domain.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { capBytes, looksMachineWritten, normaliseText, utf8Bytes } from "./document-text.ts";
import { NearDuplicateIndex } from "./near-duplicates.ts";
import { type CorpusSplit, hashUnit, splitOf } from "./split-assignment.ts";

export const corpusDomainSchema = z.enum(["code", "python", "prose", "legal"]);
export type CorpusDomain = z.infer<typeof corpusDomainSchema>;
/** Domains in the order they are built: an earlier domain keeps a text that a later one also holds. */
export const CORPUS_DOMAINS: readonly CorpusDomain[] = corpusDomainSchema.options;

/** A file that may become a document. */
export interface Candidate {
  /** `<source>:<path under the source's root>`: unique, and the same on every machine that has the file. */
  id: string;
  domain: CorpusDomain;
  source: string;
  /** The unit of the diversity cap (a package, a module, a command family). */
  group: string;
  /** The file's text, or null when it is not text. Synchronous: files are read one by one in a fixed order, and
   * a sync read of a small file costs less than an async one's round trip through the thread pool. */
  load: () => string | null;
}

/** Size limits, in bytes of UTF-8 text. */
export interface SelectionLimits {
  maxDomainBytes: number;
  maxDocBytes: number;
  /** A group stops taking documents once it holds this much, so no package or command family fills a domain. */
  maxGroupBytes: number;
}

/** Fixed rules, recorded in the manifest. */
export const SELECTION_RULES = { minDocBytes: 256, heldoutFraction: 0.1 } as const;

/** A document of the corpus. */
export interface CorpusDocument {
  id: string;
  domain: CorpusDomain;
  source: string;
  split: CorpusSplit;
  text: string;
}

export const domainCountsSchema = z.object({
  candidates: z.number().int(),
  kept: z.number().int(),
  /** Kept, but cut to maxDocBytes at a line end. */
  truncated: z.number().int(),
  notText: z.number().int(),
  tooShort: z.number().int(),
  machineWritten: z.number().int(),
  exactDuplicates: z.number().int(),
  nearDuplicates: z.number().int(),
  groupCapped: z.number().int(),
  /** Left: the domain was full (only the first of these was read, to learn that it does not fit). */
  notReached: z.number().int(),
});
/** What became of a domain's candidates; every candidate is counted once, in the first that applies. */
export type DomainCounts = z.infer<typeof domainCountsSchema>;

export interface Selection {
  documents: CorpusDocument[];
  counts: Record<CorpusDomain, DomainCounts>;
}

function emptyCounts(): DomainCounts {
  return { candidates: 0, kept: 0, truncated: 0, notText: 0, tooShort: 0, machineWritten: 0, exactDuplicates: 0, nearDuplicates: 0, groupCapped: 0, notReached: 0 };
}

/**
 * Selects the corpus's documents; the result depends on the candidates' ids and texts and the limits only,
 * not on the order the candidates come in.
 * @throws when two candidates share an id
 */
export function selectDocuments(candidates: readonly Candidate[], limits: SelectionLimits): Selection {
  const ids = new Set<string>();
  for (const c of candidates) {
    if (ids.has(c.id)) throw new Error(`two corpus candidates share the id ${c.id}`);
    ids.add(c.id);
  }
  const documents: CorpusDocument[] = [];
  const exact = new Set<string>();
  const near = new NearDuplicateIndex();
  const counts = Object.fromEntries(CORPUS_DOMAINS.map((d) => [d, emptyCounts()])) as Record<CorpusDomain, DomainCounts>;

  for (const domain of CORPUS_DOMAINS) {
    const n = counts[domain];
    const ordered = candidates
      .filter((c) => c.domain === domain)
      .map((c) => ({ c, at: hashUnit("order", c.id) }))
      .sort((a, b) => a.at - b.at || (a.c.id < b.c.id ? -1 : 1));
    n.candidates = ordered.length;
    let domainBytes = 0;
    const groupBytes = new Map<string, number>();
    for (const [i, { c }] of ordered.entries()) {
      const group = `${c.source}:${c.group}`;
      if ((groupBytes.get(group) ?? 0) >= limits.maxGroupBytes) {
        n.groupCapped++;
        continue;
      }
      const raw = c.load();
      if (raw === null) {
        n.notText++;
        continue;
      }
      const whole = normaliseText(raw);
      const text = capBytes(whole, limits.maxDocBytes);
      const bytes = utf8Bytes(text);
      if (bytes < SELECTION_RULES.minDocBytes) {
        n.tooShort++;
        continue;
      }
      if (looksMachineWritten(text)) {
        n.machineWritten++;
        continue;
      }
      const digest = createHash("sha256").update(text).digest("hex");
      if (exact.has(digest)) {
        n.exactDuplicates++;
        continue;
      }
      exact.add(digest);
      if (domainBytes + bytes > limits.maxDomainBytes) {
        n.notReached = ordered.length - i;
        break;
      }
      if (near.offer(c.id, text) !== null) {
        n.nearDuplicates++;
        continue;
      }
      documents.push({ id: c.id, domain, source: c.source, split: splitOf(c.id, SELECTION_RULES.heldoutFraction), text });
      n.kept++;
      if (text.length < whole.length) n.truncated++;
      domainBytes += bytes;
      groupBytes.set(group, (groupBytes.get(group) ?? 0) + bytes);
    }
  }
  return { documents, counts };
}
