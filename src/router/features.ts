/**
 * Prompt features shared by training and inference: hashed word 1–2-grams, hashed character 3–4-grams and
 * one-hot length buckets. Pure TypeScript, deterministic, no external API: the same prompt gives the same
 * vector in the trainer (Node) and in the Worker.
 *
 * Layout of the FEATURE_DIM inputs: [0, HASH_DIM) hashed n-grams (log1p counts, each group L2-normalised),
 * then CHAR_BUCKETS buckets of log2(characters), then WORD_BUCKETS buckets of log2(words), then SCRIPT_DIM
 * script shares (CJK, digits, code punctuation).
 */

/** hashed n-gram slots */
export const HASH_DIM = 4096;
const CHAR_BUCKETS = 12;
const WORD_BUCKETS = 10;
const SCRIPT_DIM = 3;
/** width of the dense feature vector the encoder reads */
export const FEATURE_DIM = HASH_DIM + CHAR_BUCKETS + WORD_BUCKETS + SCRIPT_DIM;
/** names the feature recipe; a router trained on one recipe must not read another's vectors */
export const FEATURE_VERSION = "hash4096-w12-c34-len-v1";

/** The tail of a long prompt carries the question; few-shot preambles repeat across prompts. */
const MAX_CHARS = 2000;

/** A sparse feature vector: sorted unique indices and their values. */
export interface SparseFeatures {
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** 32-bit FNV-1a over UTF-16 code units, seeded per n-gram kind so kinds do not collide systematically. */
function fnv1a(text: string, seed: number): number {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

/** FNV-1a of `n` code units starting at `at`, without slicing a substring (this loop is the hot path). */
function fnvCodes(codes: Uint16Array, at: number, n: number, seed: number): number {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = at; i < at + n; i++) h = Math.imul(h ^ (codes[i] ?? 0), FNV_PRIME);
  return h >>> 0;
}

/** Per-call scratch: counts by slot plus the list of slots touched, so clearing costs O(active). */
class Accumulator {
  readonly counts = new Float32Array(FEATURE_DIM);
  readonly touched: number[] = [];
  add(slot: number, v: number): void {
    if (this.counts[slot] === 0) this.touched.push(slot);
    this.counts[slot] = (this.counts[slot] ?? 0) + v;
  }
  /** Replaces the counts of the slots touched since `from` by L2-normalised log1p counts. */
  normaliseFrom(from: number): void {
    let norm = 0;
    for (let k = from; k < this.touched.length; k++) norm += Math.log1p(this.counts[this.touched[k] ?? 0] ?? 0) ** 2;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let k = from; k < this.touched.length; k++) {
      const slot = this.touched[k] ?? 0;
      this.counts[slot] = Math.log1p(this.counts[slot] ?? 0) * scale;
    }
  }
}

const WORD_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]|[\p{L}\p{N}_]+/gu;
const CJK_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;

function lengthBucket(n: number, buckets: number): number {
  return Math.min(buckets - 1, Math.floor(Math.log2(1 + n)));
}

function countMatches(text: string, re: RegExp): number {
  return (text.match(re) ?? []).length;
}

/**
 * The sparse features of one prompt.
 * @example featurize("What is 2+2?").indices.length // a few dozen active inputs
 */
export function featurize(prompt: string): SparseFeatures {
  const fullChars = prompt.length;
  const text = (fullChars > MAX_CHARS ? prompt.slice(fullChars - MAX_CHARS) : prompt).toLowerCase();
  const acc = new Accumulator();
  // Word 1-grams and 2-grams; a bigram hashes the pair of word hashes (no string concatenation).
  const ws = text.match(WORD_RE) ?? [];
  let prev = -1;
  for (const w of ws) {
    const h = fnv1a(w, 1);
    acc.add(h % HASH_DIM, 1);
    if (prev >= 0) acc.add(((Math.imul(prev ^ 0x9e3779b9, FNV_PRIME) ^ h) >>> 0) % HASH_DIM, 1);
    prev = h;
  }
  acc.normaliseFrom(0);
  // Character 3- and 4-grams over whitespace-squashed text, normalised as their own group, then added.
  const squashed = ` ${text.replace(/\s+/g, " ")} `;
  const codes = new Uint16Array(squashed.length);
  for (let i = 0; i < squashed.length; i++) codes[i] = squashed.charCodeAt(i);
  const chars = new Accumulator();
  for (let i = 0; i + 3 <= codes.length; i++) {
    chars.add(fnvCodes(codes, i, 3, 3) % HASH_DIM, 1);
    if (i + 4 <= codes.length) chars.add(fnvCodes(codes, i, 4, 4) % HASH_DIM, 1);
  }
  chars.normaliseFrom(0);
  for (const slot of chars.touched) acc.add(slot, chars.counts[slot] ?? 0);

  let base = HASH_DIM;
  acc.add(base + lengthBucket(fullChars, CHAR_BUCKETS), 1);
  base += CHAR_BUCKETS;
  const wordsEstimate = fullChars > MAX_CHARS ? (ws.length * fullChars) / MAX_CHARS : ws.length;
  acc.add(base + lengthBucket(wordsEstimate, WORD_BUCKETS), 1);
  base += WORD_BUCKETS;
  const n = Math.max(1, text.length);
  const shares = [countMatches(text, CJK_RE) / n, Math.min(1, (4 * countMatches(text, /[0-9]/g)) / n), Math.min(1, (4 * countMatches(text, /[{}()[\];=<>_]/g)) / n)];
  shares.forEach((s, i) => {
    if (s > 0) acc.add(base + i, s);
  });

  const indices = Int32Array.from(acc.touched).sort();
  const values = Float32Array.from(indices, (i) => acc.counts[i] ?? 0);
  return { indices, values };
}

/** Writes sparse features into row `row` of a dense [rows, FEATURE_DIM] buffer (which must be zeroed). */
export function writeDense(f: SparseFeatures, out: Float32Array, row = 0): void {
  const off = row * FEATURE_DIM;
  for (let k = 0; k < f.indices.length; k++) out[off + (f.indices[k] ?? 0)] = f.values[k] ?? 0;
}
