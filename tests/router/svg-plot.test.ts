import { describe, expect, it } from "vitest";
import { barChart, lineChart } from "../../src/router/svg-plot.ts";

const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;

describe("svg-plot", () => {
  it("draws a line chart: one frame, both axes, a polyline per line series and escaped labels", () => {
    const svg = lineChart("Quality <vs> cost", "cost", "quality", [
      { name: "router", color: "#1f77b4", line: true, points: [{ x: 0.1, y: 0.8 }, { x: 1, y: 0.9 }] },
      { name: "gpt-4", color: "#d62728", line: false, points: [{ x: 5, y: 0.95, label: "gpt-4" }] },
    ], true);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(svg).toContain("Quality &lt;vs&gt; cost");
    expect(count(svg, /<line /g)).toBeGreaterThanOrEqual(2);
    expect(svg).toContain("router");
    expect(svg).toContain("gpt-4");
  });

  it("draws a bar chart with a bar per category and series", () => {
    const svg = barChart("Per task", "quality", ["a", "b", "c"], [
      { name: "router", color: "#1f77b4", values: [0.5, 0.6, 0.7] },
      { name: "best single", color: "#ff7f0e", values: [0.4, 0.6, 0.65] },
    ]);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(count(svg, /<rect /g)).toBeGreaterThanOrEqual(1 + 3 * 2);
  });
});
