import { describe, expect, it } from "vitest";
import { normalFrom, seededRandom } from "../../src/engine/seeded-random.ts";

const draw = (rand: () => number, n: number) => Array.from({ length: n }, rand);

describe("seededRandom", () => {
  it("repeats its stream for a seed and differs across seeds, even seeds apart only above 2^32", () => {
    expect(draw(seededRandom(42), 8)).toEqual(draw(seededRandom(42), 8));
    expect(draw(seededRandom(42), 8)).not.toEqual(draw(seededRandom(43), 8));
    expect(draw(seededRandom(5), 8)).not.toEqual(draw(seededRandom(5 + 2 ** 32), 8));
  });

  it("stays in [0, 1) with the moments of a uniform", () => {
    const xs = draw(seededRandom(7), 50_000);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
  });

  it("gives standard normals through Box–Muller", () => {
    const rand = seededRandom(9);
    const xs = Array.from({ length: 50_000 }, () => normalFrom(rand));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
    expect(xs.every(Number.isFinite)).toBe(true);
  });

  it("refuses a seed that is not an integer", () => {
    expect(() => seededRandom(1.5)).toThrow("seed must be an integer, got 1.5");
  });
});
