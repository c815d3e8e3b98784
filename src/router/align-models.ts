import type { OutcomeSet } from "./outcome-set.ts";

/** A set with its columns in another model order, and how its models differ from that order's. */
export interface AlignedSet {
  set: OutcomeSet;
  /** models of the order the set has no column for (their scores are NaN, their costs 0) */
  missing: string[];
  /** models of the set the order has no place for (dropped) */
  extra: string[];
}

/**
 * Reorders a set's score and cost columns to `modelIds` by name, so files that list the same models in
 * another order line up (and a column's place never decides anything).
 */
export function alignModels(set: OutcomeSet, modelIds: readonly string[]): AlignedSet {
  const from = new Map(set.modelIds.map((m, i) => [m, i]));
  const missing = modelIds.filter((m) => !from.has(m));
  const extra = set.modelIds.filter((m) => !modelIds.includes(m));
  const index = modelIds.map((m) => from.get(m) ?? -1);
  const pick = (values: Float32Array, absent: number) => Float32Array.from(index, (i) => (i < 0 ? absent : (values[i] ?? absent)));
  const rows = set.rows.map((r) => ({ ...r, scores: pick(r.scores, Number.NaN), costs: r.costs ? pick(r.costs, 0) : null }));
  return { set: { ...set, modelIds: [...modelIds], rows }, missing, extra };
}

/** `alignModels` for files that must hold the same models: any difference is an error naming it. */
export function alignSameModels(set: OutcomeSet, modelIds: readonly string[], where: string): OutcomeSet {
  const { set: aligned, missing, extra } = alignModels(set, modelIds);
  const problems = [missing.length > 0 ? `lacks ${missing.join(", ")}` : "", extra.length > 0 ? `adds ${extra.join(", ")}` : ""].filter(Boolean);
  if (problems.length > 0) throw new Error(`${where}: a different model set from the other files (${problems.join("; ")})`);
  return aligned;
}
