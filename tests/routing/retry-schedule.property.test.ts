import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffMs, parseRetryAfter, RETRY_POLICY, retryDelayMs } from "../../src/routing/retry-schedule.ts";

const RUNS = { numRuns: 1000 };
const random = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe("retry schedule (properties)", () => {
  it("draws each backoff from [0, base·2^n], never past the cap", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), random, (n, r) => {
        const d = backoffMs(n, r);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(Math.min(RETRY_POLICY.maxDelayMs, RETRY_POLICY.baseDelayMs * 2 ** n));
      }),
      RUNS,
    );
  });

  it("never retries sooner than Retry-After, and gives up when it asks for more than the cap", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 10_000 }), random, (n, ra, r) => {
        const d = retryDelayMs(n, ra, r);
        if (ra > RETRY_POLICY.maxDelayMs) expect(d).toBeNull();
        else {
          expect(d).toBeGreaterThanOrEqual(ra);
          expect(d).toBeLessThanOrEqual(RETRY_POLICY.maxDelayMs);
        }
      }),
      RUNS,
    );
  });

  it("reads Retry-After as delta-seconds or an HTTP date", () => {
    const now = Date.UTC(2026, 0, 1);
    expect(parseRetryAfter("30", now)).toBe(30_000);
    expect(parseRetryAfter(new Date(now + 5_000).toUTCString(), now)).toBe(5_000);
    expect(parseRetryAfter(new Date(now - 5_000).toUTCString(), now)).toBe(0);
    for (const bad of [null, "", "soon", "-1", "1.5"]) expect(parseRetryAfter(bad, now)).toBeNull();
  });

  it("never throws on any header text", () => {
    fc.assert(
      fc.property(fc.string(), (h) => {
        const v = parseRetryAfter(h, 0);
        expect(v === null || (Number.isFinite(v) && v >= 0)).toBe(true);
      }),
      RUNS,
    );
  });
});
