/**
 * Progress of a long CLI step. On a terminal, a cli-progress bar redrawn in place; anywhere else (a log
 * file, CI, a pipe) the bar would print nothing, so plain lines instead: one at the start, one at most every
 * `everyMs`, and one at the end, each with the count, the elapsed time and an ETA.
 */
import cliProgress from "cli-progress";

/** Where progress goes (process.stderr by default). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressOptions {
  stream?: ProgressStream;
  /** the clock, in ms (tests pass their own) */
  now?: () => number;
  /** least time between two plain lines, in ms */
  everyMs?: number;
}

export interface Progress {
  /** One more unit done; `info` says what is running (e.g. "cross-validation"). */
  tick(info?: string): void;
  stop(): void;
}

/** "42s", "3m 05s", "1h 02m". */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${two(s % 60)}s`;
  return `${Math.floor(s / 3600)}h ${two(Math.floor(s / 60) % 60)}m`;
}

/**
 * Starts reporting `total` units of `unit` under `label`.
 * @example
 * const progress = startProgress("train model7", "epoch", fitEpochCount(rows.length, options));
 * fitRouter(rows, xs, ids, options, (info) => progress.tick(info));
 * progress.stop();
 */
export function startProgress(label: string, unit: string, total: number, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (stream.isTTY) return barProgress(label, unit, total, stream);
  const now = options.now ?? Date.now;
  const everyMs = options.everyMs ?? 10_000;
  const start = now();
  let done = 0;
  let info = "";
  let last = start;
  const line = () => {
    const elapsed = now() - start;
    const eta = done > 0 ? formatDuration((elapsed / done) * Math.max(0, total - done)) : "–";
    stream.write(`${label}: ${unit} ${done}/${total}${info ? ` (${info})` : ""}, ${formatDuration(elapsed)} elapsed, ETA ${eta}\n`);
    last = now();
  };
  line();
  return {
    tick(next = info) {
      done++;
      info = next;
      if (now() - last >= everyMs) line();
    },
    stop() {
      stream.write(`${label}: done, ${unit} ${done}/${total} in ${formatDuration(now() - start)}\n`);
    },
  };
}

function barProgress(label: string, unit: string, total: number, stream: ProgressStream): Progress {
  // A stream with isTTY is a tty.WriteStream, which has the cursor calls the bar makes.
  const tty = stream as NodeJS.WritableStream;
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] ${unit} {value}/{total} {info} | {duration_formatted} elapsed, ETA {eta_formatted}`, stream: tty },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { info: "" });
  return {
    tick: (info) => bar.increment(1, info === undefined ? undefined : { info }),
    stop: () => bar.stop(),
  };
}
