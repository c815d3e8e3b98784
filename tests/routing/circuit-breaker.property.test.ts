import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  afterFailure,
  afterSuccess,
  BREAKER_CONFIG,
  breakerPhase,
  claimProbe,
  CLOSED,
  probeAvailable,
  type BreakerState,
} from "../../src/routing/circuit-breaker.ts";

const RUNS = { numRuns: 500 };
const cfg = BREAKER_CONFIG;

interface BreakerEvent {
  kind: "failure" | "success" | "probe";
  gapMs: number;
  retryAfterMs: number | null;
}

/** A history of events: failures (some with a Retry-After), successes, probe claims, each after a gap. */
const eventArb: fc.Arbitrary<BreakerEvent> = fc.record({
  kind: fc.constantFrom("failure", "success", "probe"),
  gapMs: fc.integer({ min: 0, max: 2 * cfg.maxCooldownMs }),
  retryAfterMs: fc.option(fc.integer({ min: 0, max: 10 * cfg.maxCooldownMs }), { nil: null }),
});

function replay(events: BreakerEvent[]): { state: BreakerState; now: number }[] {
  let state = CLOSED;
  let now = 1_000_000;
  const trace: { state: BreakerState; now: number }[] = [];
  for (const e of events) {
    now += e.gapMs;
    if (e.kind === "failure") state = afterFailure(state, now, "boom", e.retryAfterMs);
    else if (e.kind === "success") state = afterSuccess();
    else if (probeAvailable(state, now)) state = claimProbe(state, now);
    trace.push({ state, now });
  }
  return trace;
}

describe("circuit breaker (properties)", () => {
  it("opens once failures reach the threshold, and never before without a Retry-After", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 1000 }), (n, gap) => {
        let s = CLOSED;
        let now = 0;
        for (let i = 0; i < n; i++) s = afterFailure(s, (now += gap), "boom", null);
        expect(breakerPhase(s, now) === "open").toBe(n >= cfg.threshold);
      }),
      RUNS,
    );
  });

  it("keeps every cooldown within [cooldownMs, maxCooldownMs]", () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 40 }), (events) => {
        for (const { state } of replay(events)) {
          if (state.openUntil === null) continue;
          expect(state.cooldownMs).toBeGreaterThanOrEqual(cfg.cooldownMs);
          expect(state.cooldownMs).toBeLessThanOrEqual(cfg.maxCooldownMs);
        }
      }),
      RUNS,
    );
  });

  it("never half-opens before the Retry-After it was given (within the cap)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 * cfg.maxCooldownMs }), fc.integer({ min: 0, max: 1e9 }), (ra, now) => {
        const s = afterFailure(CLOSED, now, "HTTP 503", ra);
        expect(breakerPhase(s, now + Math.min(ra, cfg.maxCooldownMs) - 1)).toBe("open");
      }),
      RUNS,
    );
  });

  it("hands out the probe once per lease", () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 30 }), fc.integer({ min: 0, max: cfg.probeLeaseMs - 1 }), (events, later) => {
        const last = replay(events).at(-1);
        if (!last || !probeAvailable(last.state, last.now)) return;
        const claimed = claimProbe(last.state, last.now);
        expect(probeAvailable(claimed, last.now + later)).toBe(false);
        expect(probeAvailable(claimed, last.now + cfg.probeLeaseMs)).toBe(true);
      }),
      RUNS,
    );
  });

  it("closes on a success, whatever came before", () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 30 }), (events) => {
        const last = replay(events).at(-1);
        expect(breakerPhase(afterSuccess(), last?.now ?? 0)).toBe("closed");
      }),
      RUNS,
    );
  });

  it("reopens a half-open breaker on a failed probe, for at least as long as before", () => {
    fc.assert(
      fc.property(fc.integer({ min: cfg.threshold, max: 20 }), fc.integer({ min: 0, max: 1e6 }), (n, wait) => {
        let s = CLOSED;
        for (let i = 0; i < n; i++) s = afterFailure(s, 0, "boom");
        const at = (s.openUntil as number) + wait;
        const reopened = afterFailure(claimProbe(s, at), at, "boom");
        expect(breakerPhase(reopened, at)).toBe("open");
        expect(reopened.cooldownMs).toBeGreaterThanOrEqual(s.cooldownMs);
        expect(reopened.probeUntil).toBeNull();
      }),
      RUNS,
    );
  });
});
