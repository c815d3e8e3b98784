/**
 * Near-duplicate detection over word 5-gram shingles: MinHash signatures, banded into an LSH index to find
 * candidates, each candidate then checked with the exact Jaccard similarity of the two shingle sets, so a
 * verdict never rests on the MinHash estimate alone. Words are lowercased runs of letters, digits and `_`;
 * shingles are hashed to 32 bits (a collision only nudges a similarity).
 */

/** How near-duplicates are found; recorded in the manifest so a corpus says how it was deduplicated. */
export const NEAR_DUPLICATE_PARAMS = {
  /** Words per shingle. */
  shingleWords: 5,
  /** A document whose shingle set has Jaccard similarity ≥ this with a kept one is a near duplicate. */
  threshold: 0.7,
  /** MinHash functions = bands × rows. */
  bands: 32,
  rows: 4,
  /** Candidates whose MinHash estimate is below threshold − this are not checked exactly. */
  estimateMargin: 0.2,
} as const;

/** 32-bit finaliser of MurmurHash3: a bijection that mixes every input bit into every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** FNV-1a over the UTF-16 code units of a word, then mixed. */
function wordHash(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
  return fmix32(h);
}

/**
 * The sorted distinct hashes of the text's word n-grams; a text shorter than n words gives one shingle of all
 * its words, and a text with no words gives none.
 */
export function shingleSet(text: string, n: number = NEAR_DUPLICATE_PARAMS.shingleWords): Uint32Array {
  const words = (text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? []).map(wordHash);
  if (words.length === 0) return new Uint32Array(0);
  const count = Math.max(1, words.length - n + 1);
  const width = Math.min(n, words.length);
  const hashes = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    let h = 0x9747b28c;
    for (let j = 0; j < width; j++) h = fmix32(Math.imul(h, 0x01000193) ^ (words[i + j] ?? 0));
    hashes[i] = h;
  }
  hashes.sort();
  let distinct = 0;
  for (let i = 0; i < hashes.length; i++) if (i === 0 || hashes[i] !== hashes[i - 1]) hashes[distinct++] = hashes[i] ?? 0;
  return hashes.slice(0, distinct);
}

/** |A ∩ B| / |A ∪ B| of two sorted distinct sets; 0 when both are empty. */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  let i = 0;
  let j = 0;
  let both = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] ?? 0;
    const y = b[j] ?? 0;
    if (x === y) {
      both++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  const union = a.length + b.length - both;
  return union === 0 ? 0 : both / union;
}

// One seed per MinHash function, fixed so every run and machine hashes alike.
const SEEDS = Uint32Array.from({ length: NEAR_DUPLICATE_PARAMS.bands * NEAR_DUPLICATE_PARAMS.rows }, (_, i) => fmix32(0x5bd1e995 + i));

/** The MinHash signature: per seeded permutation of the hash space, the least permuted shingle. */
export function minhashSignature(shingles: Uint32Array): Uint32Array {
  const sig = new Uint32Array(SEEDS.length).fill(0xffffffff);
  for (const s of shingles) {
    for (let k = 0; k < SEEDS.length; k++) {
      const h = fmix32(s ^ (SEEDS[k] ?? 0));
      if (h < (sig[k] ?? 0)) sig[k] = h;
    }
  }
  return sig;
}

function estimate(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let k = 0; k < a.length; k++) if (a[k] === b[k]) same++;
  return same / a.length;
}

interface Kept {
  key: string;
  shingles: Uint32Array;
  signature: Uint32Array;
}

/** What a document was matched with. */
export interface NearMatch {
  key: string;
  jaccard: number;
}

/**
 * The documents kept so far, indexed for near-duplicate lookups. Documents are offered in a fixed order and
 * the first of a near-duplicate family is the one kept, so the outcome depends on the order alone.
 */
export class NearDuplicateIndex {
  private readonly kept: Kept[] = [];
  private readonly buckets: Map<number, number[]>[] = Array.from({ length: NEAR_DUPLICATE_PARAMS.bands }, () => new Map());

  /** The first kept document (in the order kept) that `text` nearly copies, or null after keeping it under `key`. */
  offer(key: string, text: string): NearMatch | null {
    const shingles = shingleSet(text);
    // No words, nothing to compare: such a text is only ever an exact duplicate.
    if (shingles.length === 0) return null;
    const signature = minhashSignature(shingles);
    const bandKeys = this.bandKeys(signature);
    const candidates = new Set<number>();
    bandKeys.forEach((bandKey, band) => {
      for (const id of this.buckets[band]?.get(bandKey) ?? []) candidates.add(id);
    });
    const { threshold, estimateMargin } = NEAR_DUPLICATE_PARAMS;
    for (const id of [...candidates].sort((x, y) => x - y)) {
      const other = this.kept[id];
      if (!other || estimate(signature, other.signature) < threshold - estimateMargin) continue;
      const similarity = jaccard(shingles, other.shingles);
      if (similarity >= threshold) return { key: other.key, jaccard: similarity };
    }
    const id = this.kept.push({ key, shingles, signature }) - 1;
    bandKeys.forEach((bandKey, band) => {
      const bucket = this.buckets[band];
      const ids = bucket?.get(bandKey);
      if (ids) ids.push(id);
      else bucket?.set(bandKey, [id]);
    });
    return null;
  }

  // A band's rows folded into one number below 2^53: two mixes of 32 and 21 bits.
  private bandKeys(signature: Uint32Array): number[] {
    const { bands, rows } = NEAR_DUPLICATE_PARAMS;
    return Array.from({ length: bands }, (_, band) => {
      let hi = band;
      let lo = ~band;
      for (let r = 0; r < rows; r++) {
        const v = signature[band * rows + r] ?? 0;
        hi = fmix32(hi ^ v);
        lo = fmix32(Math.imul(lo, 0x01000193) ^ v);
      }
      return hi * 2 ** 21 + (lo >>> 11);
    });
  }
}
