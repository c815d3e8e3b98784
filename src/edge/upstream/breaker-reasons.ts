import type { Target } from "../routing-plan.ts";
import type { BreakerBoard } from "./breaker-board.ts";

/**
 * One reason per candidate whose upstream's breaker is not closed, in words, naming the model (never the
 * upstream, an internal id): what a completion sent now would do about it.
 */
export function breakerReasons(targets: Target[], breakers: BreakerBoard, now: number): string[] {
  return targets.flatMap(({ model, upstream }) => {
    const s = breakers.state(upstream.id);
    const phase = breakers.phase(upstream.id, now);
    if (phase === "closed") return [];
    const why = `${s.failures} failure${s.failures === 1 ? "" : "s"} in a row`;
    if (phase === "open") {
      const wait = Math.ceil(((s.openUntil as number) - now) / 1000);
      return [`${model.id}: circuit open (${why}); skipped without a try for ${wait} s more, then probed`];
    }
    return [`${model.id}: circuit half-open (${why}); the next request probes it`];
  });
}
