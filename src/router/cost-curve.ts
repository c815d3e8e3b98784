/**
 * Quality–cost curves and their summaries.
 *  - AIQ (RouterBench, Hu et al. 2024): area under the non-decreasing convex hull of a router's
 *    (cost, quality) points, over a cost range, divided by the range's width.
 *  - APGR (RouteLLM, Ong et al. 2024): mean over cost budgets between the weak (cheap) and the strong
 *    model's cost of PGR = (q(c) − q_weak) / (q_strong − q_weak).
 *  - CPT(x%): the smallest cost, as a share of the strong model's cost, at which PGR reaches x%.
 */
export interface CurvePoint {
  cost: number;
  quality: number;
}

/** Upper convex hull of the points, kept only while quality rises (a dearer point that is not better is dropped). */
export function nonDecreasingHull(points: CurvePoint[]): CurvePoint[] {
  const sorted = [...points].sort((a, b) => a.cost - b.cost || b.quality - a.quality);
  const rising: CurvePoint[] = [];
  for (const p of sorted) if (rising.length === 0 || p.quality > (rising.at(-1)?.quality ?? -Infinity)) rising.push(p);
  const hull: CurvePoint[] = [];
  for (const p of rising) {
    while (hull.length >= 2) {
      const a = hull[hull.length - 2] as CurvePoint;
      const b = hull[hull.length - 1] as CurvePoint;
      // Drop b when it lies on or below the segment a→p.
      if ((b.quality - a.quality) * (p.cost - a.cost) <= (p.quality - a.quality) * (b.cost - a.cost)) hull.pop();
      else break;
    }
    hull.push(p);
  }
  return hull;
}

/** Hull quality at cost c: interpolated on the hull, flat after its last point, the first point's before it. */
export function hullQualityAt(hull: CurvePoint[], c: number): number {
  const first = hull[0];
  if (!first) return Number.NaN;
  if (c <= first.cost) return first.quality;
  for (let i = 1; i < hull.length; i++) {
    const a = hull[i - 1] as CurvePoint;
    const b = hull[i] as CurvePoint;
    if (c <= b.cost) return a.quality + ((b.quality - a.quality) * (c - a.cost)) / Math.max(1e-18, b.cost - a.cost);
  }
  return (hull.at(-1) as CurvePoint).quality;
}

/** AIQ over [lo, hi]: trapezoids on a fine grid of the hull (exact for a piecewise-linear hull up to grid error). */
export function aiq(points: CurvePoint[], lo: number, hi: number, steps = 2000): number {
  const hull = nonDecreasingHull(points);
  if (hi <= lo) return hullQualityAt(hull, lo);
  let area = 0;
  for (let i = 0; i < steps; i++) {
    const c0 = lo + ((hi - lo) * i) / steps;
    const c1 = lo + ((hi - lo) * (i + 1)) / steps;
    area += ((hullQualityAt(hull, c0) + hullQualityAt(hull, c1)) / 2) * (c1 - c0);
  }
  return area / (hi - lo);
}

/** APGR and CPT(50%), CPT(80%) of a router against a weak and a strong single model. */
export function apgrAndCpt(points: CurvePoint[], weak: CurvePoint, strong: CurvePoint, steps = 20): { apgr: number; cpt50: number; cpt80: number } {
  const hull = nonDecreasingHull(points);
  const gap = strong.quality - weak.quality;
  const pgr = (c: number) => (gap > 0 ? (hullQualityAt(hull, c) - weak.quality) / gap : Number.NaN);
  let sum = 0;
  for (let i = 0; i <= steps; i++) sum += pgr(weak.cost + ((strong.cost - weak.cost) * i) / steps);
  const cpt = (target: number): number => {
    for (let i = 0; i <= 1000; i++) {
      const c = weak.cost + ((strong.cost - weak.cost) * i) / 1000;
      if (pgr(c) >= target) return c / strong.cost;
    }
    return Number.NaN;
  };
  return { apgr: sum / (steps + 1), cpt50: cpt(0.5), cpt80: cpt(0.8) };
}
