/**
 * Choosing one model from per-model values. Exact ties are common (kNN means of 0/1 scores, task means over
 * the same prompts), and they go to the smallest model id, so a choice never depends on the order of a file's
 * columns. Ids compare by code unit (`<`), not by locale.
 */

/** Whether model a (value va) beats model b (value vb): the larger value, or the smaller id when they tie. */
export function beats(va: number, a: number, vb: number, b: number, modelIds: readonly string[]): boolean {
  return va > vb || (va === vb && (modelIds[a] ?? "") < (modelIds[b] ?? ""));
}

/** Index of the largest value (NaN = unmeasured, never chosen); 0 when none is a number. */
export function bestModel(values: ArrayLike<number>, modelIds: readonly string[]): number {
  let best = -1;
  for (let m = 0; m < values.length; m++) {
    const v = values[m] ?? Number.NaN;
    if (Number.isNaN(v)) continue;
    if (best < 0 || beats(v, m, values[best] ?? Number.NaN, best, modelIds)) best = m;
  }
  return Math.max(best, 0);
}

/** Index of the smallest value, ties to the smallest id. */
export function cheapestModel(costs: ArrayLike<number>, modelIds: readonly string[]): number {
  return bestModel(Array.from(costs, (c) => -c), modelIds);
}
