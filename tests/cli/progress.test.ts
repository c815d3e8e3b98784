import { describe, expect, it } from "vitest";
import { formatDuration, startProgress } from "../../src/cli/progress.ts";

/** A stream that is not a terminal, as when output goes to a log file, and a clock the test moves. */
function logAndClock() {
  const lines: string[] = [];
  let t = 1_000_000;
  return {
    lines,
    stream: { isTTY: false, write: (s: string) => lines.push(s) },
    now: () => t,
    advance: (ms: number) => (t += ms),
  };
}

describe("progress off a terminal", () => {
  it("writes plain lines with the count, the elapsed time and an ETA: at the start, at most every interval, at the end", () => {
    const log = logAndClock();
    const progress = startProgress("train model7", "epoch", 10, { stream: log.stream, now: log.now, everyMs: 10_000 });
    log.advance(4_000);
    progress.tick("cross-validation");
    log.advance(4_000);
    progress.tick();
    log.advance(4_000);
    progress.tick();
    log.advance(48_000);
    progress.tick("refit");
    progress.stop();
    expect(log.lines).toEqual([
      "train model7: epoch 0/10, 0s elapsed, ETA –\n",
      "train model7: epoch 3/10 (cross-validation), 12s elapsed, ETA 28s\n",
      "train model7: epoch 4/10 (refit), 1m 00s elapsed, ETA 1m 30s\n",
      "train model7: done, epoch 4/10 in 1m 00s\n",
    ]);
  });
});

describe("formatDuration", () => {
  it("reads as seconds, minutes or hours", () => {
    expect([formatDuration(42_400), formatDuration(185_000), formatDuration(3_720_000)]).toEqual(["42s", "3m 05s", "1h 02m"]);
  });
});
