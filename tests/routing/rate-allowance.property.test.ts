import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  admit,
  charge,
  FRESH,
  MINUTE_MS,
  type AllowanceState,
  type KeyLimits,
} from "../../src/routing/rate-allowance.ts";

const RUNS = { numRuns: 300 };

interface Arrival {
  gapMs: number;
  tokens: number;
  /** completion tokens charged after the request, when it was admitted */
  completion: number;
}

const arrivalArb: fc.Arbitrary<Arrival> = fc.record({
  gapMs: fc.integer({ min: 0, max: 5_000 }),
  tokens: fc.integer({ min: 0, max: 500 }),
  completion: fc.integer({ min: 0, max: 500 }),
});
const limitsArb: fc.Arbitrary<KeyLimits> = fc.record({
  requestsPerMinute: fc.option(fc.integer({ min: 1, max: 50 }), { nil: null }),
  tokensPerMinute: fc.option(fc.integer({ min: 1, max: 5_000 }), { nil: null }),
});

describe("rate allowance (properties)", () => {
  it("admits no more requests over any span than a minute's limit plus the refill of that span", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.array(fc.integer({ min: 0, max: 3_000 }), { maxLength: 200 }), (rpm, gaps) => {
        const limits: KeyLimits = { requestsPerMinute: rpm, tokensPerMinute: null };
        let state: AllowanceState = FRESH;
        let now = 1_000_000;
        const admittedAt: number[] = [];
        for (const gap of gaps) {
          now += gap;
          const a = admit(state, limits, { requests: 1, tokens: 0 }, now);
          if (a.admitted) {
            state = a.state;
            admittedAt.push(now);
          }
        }
        for (let i = 0; i < admittedAt.length; i++) {
          for (let j = i; j < admittedAt.length; j++) {
            const span = admittedAt[j]! - admittedAt[i]!;
            expect(j - i + 1).toBeLessThanOrEqual(rpm + Math.floor((span * rpm) / MINUTE_MS));
          }
        }
      }),
      RUNS,
    );
  });

  it("admits a refused request exactly when its Retry-After has passed, and not a millisecond sooner", () => {
    fc.assert(
      fc.property(limitsArb, fc.array(arrivalArb, { maxLength: 60 }), fc.integer({ min: 1, max: 500 }), (limits, history, tokens) => {
        let state: AllowanceState = FRESH;
        let now = 0;
        for (const a of history) {
          now += a.gapMs;
          const verdict = admit(state, limits, { requests: 1, tokens: a.tokens }, now);
          if (verdict.admitted) state = charge(verdict.state, limits, a.completion, now);
        }
        const verdict = admit(state, limits, { requests: 1, tokens }, now);
        if (verdict.admitted || verdict.retryAfterMs === null) return;
        expect(verdict.retryAfterMs).toBeGreaterThan(0);
        expect(admit(state, limits, { requests: 1, tokens }, now + verdict.retryAfterMs - 1).admitted).toBe(false);
        expect(admit(state, limits, { requests: 1, tokens }, now + verdict.retryAfterMs).admitted).toBe(true);
      }),
      RUNS,
    );
  });

  it("takes nothing from any bucket when one of them refuses", () => {
    fc.assert(
      fc.property(limitsArb, fc.array(arrivalArb, { maxLength: 60 }), (limits, history) => {
        let state: AllowanceState = FRESH;
        let now = 0;
        for (const a of history) {
          now += a.gapMs;
          const verdict = admit(state, limits, { requests: 1, tokens: a.tokens }, now);
          if (verdict.admitted) state = verdict.state;
          else expect(admit(state, limits, { requests: 1, tokens: a.tokens }, now)).toEqual(verdict);
        }
      }),
      RUNS,
    );
  });

  it("never admits a prompt larger than a whole minute's tokens, and says waiting will not help", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 1, max: 5_000 }), (tpm, extra) => {
        const verdict = admit(FRESH, { requestsPerMinute: null, tokensPerMinute: tpm }, { requests: 1, tokens: tpm + extra }, 0);
        expect(verdict).toMatchObject({ admitted: false, limit: "tokens", retryAfterMs: null });
      }),
      RUNS,
    );
  });

  it("holds a key in token debt after a long completion until the debt has refilled", () => {
    const limits: KeyLimits = { requestsPerMinute: null, tokensPerMinute: 600 };
    const first = admit(FRESH, limits, { requests: 1, tokens: 100 }, 0);
    expect(first.admitted).toBe(true);
    if (!first.admitted) return;
    // 100 prompt + 1,100 completion tokens: 600 in debt, 60 s to climb back to zero, then 1 s for 10 more.
    const state = charge(first.state, limits, 1_100, 0);
    const refused = admit(state, limits, { requests: 1, tokens: 10 }, 0);
    expect(refused).toMatchObject({ admitted: false, limit: "tokens", retryAfterMs: 61_000 });
    expect(admit(state, limits, { requests: 1, tokens: 10 }, 61_000).admitted).toBe(true);
  });

  it("lets a key in token debt still call what costs no tokens", () => {
    const limits: KeyLimits = { requestsPerMinute: 10, tokensPerMinute: 100 };
    const state = charge(FRESH, limits, 1_000, 0);
    expect(admit(state, limits, { requests: 1, tokens: 0 }, 0).admitted).toBe(true);
    expect(admit(state, limits, { requests: 1, tokens: 1 }, 0).admitted).toBe(false);
  });
});
