/**
 * Which split a document goes to, from its id alone: the same document lands in the same split on every run
 * and machine, whatever else the corpus holds, and a document never moves when others are added or capped.
 */
import { createHash } from "node:crypto";
import { z } from "zod";

export const corpusSplitSchema = z.enum(["train", "heldout"]);
export type CorpusSplit = z.infer<typeof corpusSplitSchema>;

/** A point in [0, 1) from the SHA-256 of `salt` and `id`: uniform, and independent across salts. */
export function hashUnit(salt: string, id: string): number {
  const digest = createHash("sha256").update(`${salt}\0${id}`).digest();
  // 48 bits: exact in a double, and far finer than any fraction worth asking for.
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** The split of document `id` when a `heldoutFraction` share of documents is held out. */
export function splitOf(id: string, heldoutFraction: number): CorpusSplit {
  return hashUnit("split", id) < heldoutFraction ? "heldout" : "train";
}
