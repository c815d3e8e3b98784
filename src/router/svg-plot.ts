/**
 * Minimal SVG charts for docs/: a quality–cost scatter with curves (log-scale cost) and a grouped bar chart.
 * Plain strings, no dependency; deterministic output so regenerated docs diff cleanly.
 */
export interface Series {
  name: string;
  color: string;
  points: { x: number; y: number; label?: string }[];
  /** draw a line through the points (sorted by x) as well as markers */
  line: boolean;
}

const W = 640;
const H = 400;
const PAD = { left: 60, right: 170, top: 30, bottom: 50 };

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function fmt(v: number): string {
  return Number(v.toPrecision(3)).toString();
}

/** The opening of every chart: the svg element, a white background, the title, the x axis and the y label. */
function frame(title: string, yLabel: string): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2 - PAD.right / 2}" y="18" text-anchor="middle" font-size="13">${esc(title)}</text>`,
    `<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" stroke="black"/>`,
    `<text transform="translate(16 ${(PAD.top + H - PAD.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
  ];
}

/** Scatter/line chart; x on a log10 scale when `logX`. */
export function lineChart(title: string, xLabel: string, yLabel: string, series: Series[], logX: boolean): string {
  const all = series.flatMap((s) => s.points);
  const tx = (x: number) => (logX ? Math.log10(Math.max(x, 1e-12)) : x);
  const xs = all.map((p) => tx(p.x));
  const ys = all.map((p) => p.y);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys) - 0.02, Math.max(...ys) + 0.02];
  const px = (x: number) => PAD.left + ((tx(x) - x0) / Math.max(1e-12, x1 - x0)) * (W - PAD.left - PAD.right);
  const py = (y: number) => H - PAD.bottom - ((y - y0) / Math.max(1e-12, y1 - y0)) * (H - PAD.top - PAD.bottom);
  const out: string[] = [
    ...frame(title, yLabel),
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${H - PAD.bottom}" stroke="black"/>`,
    `<text x="${(PAD.left + W - PAD.right) / 2}" y="${H - 12}" text-anchor="middle">${esc(xLabel)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const yv = y0 + ((y1 - y0) * i) / 4;
    const xv = x0 + ((x1 - x0) * i) / 4;
    const xReal = logX ? 10 ** xv : xv;
    out.push(`<text x="${PAD.left - 4}" y="${py(yv) + 4}" text-anchor="end">${fmt(yv)}</text>`);
    out.push(`<text x="${px(xReal)}" y="${H - PAD.bottom + 14}" text-anchor="middle">${fmt(xReal)}</text>`);
  }
  series.forEach((s, k) => {
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    if (s.line) out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${pts.map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(" ")}"/>`);
    for (const p of pts) {
      out.push(`<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="3" fill="${s.color}"/>`);
      if (p.label) out.push(`<text x="${(px(p.x) + 4).toFixed(1)}" y="${(py(p.y) - 4).toFixed(1)}" font-size="9" fill="#555">${esc(p.label)}</text>`);
    }
    const ly = PAD.top + 14 * k;
    out.push(`<rect x="${W - PAD.right + 10}" y="${ly - 8}" width="10" height="10" fill="${s.color}"/>`);
    out.push(`<text x="${W - PAD.right + 24}" y="${ly + 1}">${esc(s.name)}</text>`);
  });
  out.push("</svg>");
  return out.join("\n");
}

/** Grouped bars: one group per category, one bar per series. */
export function barChart(title: string, yLabel: string, categories: string[], series: { name: string; color: string; values: number[] }[]): string {
  const ys = series.flatMap((s) => s.values);
  const [y0, y1] = [Math.max(0, Math.min(...ys) - 0.05), Math.min(1, Math.max(...ys) + 0.03)];
  const plotW = W - PAD.left - PAD.right;
  const groupW = plotW / categories.length;
  const barW = (groupW * 0.8) / series.length;
  const py = (y: number) => H - PAD.bottom - ((y - y0) / Math.max(1e-12, y1 - y0)) * (H - PAD.top - PAD.bottom);
  const out: string[] = frame(title, yLabel);
  for (let i = 0; i <= 4; i++) {
    const yv = y0 + ((y1 - y0) * i) / 4;
    out.push(`<text x="${PAD.left - 4}" y="${py(yv) + 4}" text-anchor="end">${fmt(yv)}</text>`);
  }
  categories.forEach((c, g) => {
    const gx = PAD.left + g * groupW + groupW * 0.1;
    series.forEach((s, k) => {
      const v = s.values[g] ?? 0;
      out.push(`<rect x="${(gx + k * barW).toFixed(1)}" y="${py(v).toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${(H - PAD.bottom - py(v)).toFixed(1)}" fill="${s.color}"/>`);
    });
    out.push(`<text x="${(gx + groupW * 0.4).toFixed(1)}" y="${H - PAD.bottom + 14}" text-anchor="middle">${esc(c)}</text>`);
  });
  series.forEach((s, k) => {
    const ly = PAD.top + 14 * k;
    out.push(`<rect x="${W - PAD.right + 10}" y="${ly - 8}" width="10" height="10" fill="${s.color}"/>`);
    out.push(`<text x="${W - PAD.right + 24}" y="${ly + 1}">${esc(s.name)}</text>`);
  });
  out.push("</svg>");
  return out.join("\n");
}
