import { type OutcomeRow, type OutcomeSet, SkipLog } from "./outcome-set.ts";

/**
 * Reads one model7 JSON file (RouterDC's split2_model7): an array of `{question, scores: {model: 0..1}}`.
 * The model set is fixed by the first well-formed row; a row without a non-empty
 * question, or with a missing/non-numeric/out-of-range score for any model, is skipped and logged.
 */
export function readModel7Json(text: string, source: string, task: string): OutcomeSet {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}: not JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(data)) throw new Error(`${source}: expected a JSON array of {question, scores}`);
  const skipped = new SkipLog();
  const rows: OutcomeRow[] = [];
  let ids: string[] | undefined;
  data.forEach((item: unknown, n) => {
    const where = `${source}[${n}]`;
    if (typeof item !== "object" || item === null) return skipped.add("row is not an object", where);
    const { question, scores } = item as { question?: unknown; scores?: unknown };
    if (typeof question !== "string" || question.trim() === "") return skipped.add("missing or empty question", where);
    if (typeof scores !== "object" || scores === null || Array.isArray(scores)) return skipped.add("missing scores object", where);
    const record = scores as Record<string, unknown>;
    ids ??= Object.keys(record);
    const vec = new Float32Array(ids.length);
    for (const [k, m] of ids.entries()) {
      const s = record[m];
      if (typeof s !== "number" || !Number.isFinite(s)) return skipped.add(`missing or non-numeric score for '${m}'`, where);
      if (s < 0 || s > 1) return skipped.add(`score for '${m}' not in [0,1]`, where);
      vec[k] = s;
    }
    rows.push({ prompt: question, task, scores: vec, costs: null });
  });
  return { name: task, modelIds: ids ?? [], rows, skipped };
}
