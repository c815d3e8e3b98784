/** A candidate in objective space; every objective is lower-is-better. */
export interface ObjectivePoint {
  id: string;
  objectives: number[];
}

/**
 * The ids of the non-dominated points, in input order. A point is dominated when another is no worse on every
 * objective and strictly better on one; identical points do not dominate each other, so both stay.
 * @throws RangeError when points differ in dimension or an objective is NaN.
 */
export function paretoFront(points: ObjectivePoint[]): string[] {
  const dims = points[0]?.objectives.length ?? 0;
  for (const p of points) {
    if (p.objectives.length !== dims) {
      throw new RangeError(`point "${p.id}" has ${p.objectives.length} objectives, expected ${dims}`);
    }
    if (p.objectives.some(Number.isNaN)) throw new RangeError(`point "${p.id}" has a NaN objective`);
  }
  return points.filter((p) => !points.some((q) => dominates(q.objectives, p.objectives))).map((p) => p.id);
}

/** True when a is no worse than b everywhere and strictly better somewhere. */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let strictly = false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x > y) return false;
    if (x < y) strictly = true;
  }
  return strictly;
}
