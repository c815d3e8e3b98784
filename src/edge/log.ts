/**
 * Structured logs: one JSON object per line, with the request id where there is one, so Workers Logs (or
 * `wrangler tail`) can filter and join them. LOG_LEVEL picks the least severe level printed.
 */
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, off: 100 } as const;
export type LogLevel = Exclude<keyof typeof LEVELS, "off">;

let threshold: number = LEVELS.info;

/** Sets the isolate's level from the Worker's LOG_LEVEL var (unknown or unset: info). */
export function setLogLevel(level: string | undefined): void {
  threshold = LEVELS[(level ?? "info") as keyof typeof LEVELS] ?? LEVELS.info;
}

/** Prints one event, e.g. logEvent("error", "decision row not written", { request_id, error }). */
export function logEvent(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
  if (LEVELS[level] < threshold) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

/** What a caught value says, for the `error` field. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
