// Small SVG charts: a scatter of quality against one cost axis (the Pareto plot) and lines over prompt length.
import { s } from "./dom.js";

const W = 480, H = 310, PAD = { l: 64, r: 16, t: 14, b: 40 };

/** A log (when the values span decades and are positive) or linear scale from [lo, hi] onto [a, b]. */
function scale(values, a, b, fixedTicks) {
  const finite = values.filter((v) => Number.isFinite(v));
  let lo = Math.min(...finite), hi = Math.max(...finite);
  const log = lo > 0 && hi / lo > 20;
  if (lo === hi) { lo = lo === 0 ? -1 : lo * 0.9; hi = hi === 0 ? 1 : hi * 1.1; }
  const f = log ? Math.log10 : (x) => x;
  const [flo, fhi] = [f(lo), f(hi)];
  const map = (v) => a + ((f(v) - flo) / (fhi - flo)) * (b - a);
  const ticks = log
    ? Array.from({ length: Math.floor(fhi) - Math.ceil(flo) + 1 }, (_, i) => 10 ** (Math.ceil(flo) + i))
    : Array.from({ length: 5 }, (_, i) => lo + ((hi - lo) * i) / 4);
  return { map, ticks: fixedTicks ?? (ticks.length >= 2 ? ticks : [lo, hi]), log };
}

function axes(svg, x, y, xLabel, yLabel, xFmt, yFmt) {
  const [x0, x1, y0, y1] = [PAD.l, W - PAD.r, H - PAD.b, PAD.t];
  svg.append(s("line", { class: "axis", x1: x0, y1: y0, x2: x1, y2: y0 }), s("line", { class: "axis", x1: x0, y1: y0, x2: x0, y2: y1 }));
  for (const t of x.ticks) svg.append(s("text", { x: x.map(t), y: y0 + 14, "text-anchor": "middle" }, xFmt(t)));
  for (const t of y.ticks) svg.append(s("text", { x: x0 - 4, y: y.map(t) + 4, "text-anchor": "end" }, yFmt(t)));
  svg.append(s("text", { x: (x0 + x1) / 2, y: H - 6, "text-anchor": "middle" }, xLabel + (x.log ? " (log)" : "")));
  svg.append(s("text", { x: 12, y: (y0 + y1) / 2, transform: `rotate(-90 12 ${(y0 + y1) / 2})`, "text-anchor": "middle" }, yLabel + (y.log ? " (log)" : "")));
}

/**
 * Quality against one cost axis, one dot per candidate coloured by family: filled = on the Pareto front
 * (joined by a dashed line), ringed = chosen.
 * points: [{ id, family, x, quality, pareto, chosen }]
 */
export function paretoPlot(points, { xLabel, xFmt }) {
  const svg = s("svg", { class: "chart pareto", width: W, height: H, viewBox: `0 0 ${W} ${H}`, "data-axis": xLabel });
  const x = scale(points.map((p) => p.x), PAD.l + 8, W - PAD.r - 8);
  const y = scale(points.map((p) => p.quality), H - PAD.b - 8, PAD.t + 8);
  axes(svg, x, y, xLabel, "predicted quality", xFmt, (v) => v.toFixed(2));
  const front = points.filter((p) => p.pareto).sort((a, b) => a.x - b.x);
  if (front.length > 1) svg.append(s("polyline", { class: "front", points: front.map((p) => `${x.map(p.x)},${y.map(p.quality)}`).join(" ") }));
  for (const p of points) {
    const [cx, cy] = [x.map(p.x), y.map(p.quality)];
    const color = `var(--${p.family})`;
    svg.append(s("circle", { cx, cy, r: 5, fill: p.pareto ? color : "#fff", stroke: color, "stroke-width": 2, "data-model": p.id }, s("title", {}, p.id)));
    if (p.chosen) svg.append(s("circle", { class: "chosen-ring", cx, cy, r: 9 }));
    // labels of dots near the right edge go to their left, so they stay inside the chart
    const right = cx > W - PAD.r - 90;
    svg.append(s("text", { x: right ? cx - 8 : cx + 8, y: cy - 8, "text-anchor": right ? "end" : "start" }, p.id));
  }
  return svg;
}

/** One line per series over a shared x; series: [{ id, family, points: [{ x, y, dashed }] }]. */
export function lineChart(series, { xLabel, yLabel, xFmt, yFmt, xTicks }) {
  const svg = s("svg", { class: "chart lines", width: W, height: H, viewBox: `0 0 ${W} ${H}`, "data-y": yLabel });
  const all = series.flatMap((sr) => sr.points);
  const x = scale(all.map((p) => p.x), PAD.l + 4, W - PAD.r - 4, xTicks);
  const y = scale(all.map((p) => p.y), H - PAD.b - 4, PAD.t + 4);
  axes(svg, x, y, xLabel, yLabel, xFmt, yFmt);
  for (const sr of series) {
    const color = `var(--${sr.family})`;
    const inside = sr.points.filter((p) => !p.dashed);
    svg.append(s("polyline", { fill: "none", stroke: color, "stroke-width": 2, points: inside.map((p) => `${x.map(p.x)},${y.map(p.y)}`).join(" "), "data-model": sr.id }, s("title", {}, sr.id)));
    // past the context window: what the cost model says, drawn dashed
    const past = sr.points.slice(Math.max(0, inside.length - 1));
    if (past.length > 1) svg.append(s("polyline", { fill: "none", stroke: color, "stroke-dasharray": "3 3", points: past.map((p) => `${x.map(p.x)},${y.map(p.y)}`).join(" ") }));
    const last = sr.points.at(-1);
    if (last) svg.append(s("text", { x: x.map(last.x), y: y.map(last.y) - 4, "text-anchor": "end" }, sr.id));
  }
  return svg;
}
