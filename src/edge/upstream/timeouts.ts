/**
 * The three budgets of one upstream attempt — response headers, silence between body chunks, the whole
 * answer — from the upstream's row, shortened by the request's `x-switchyard-timeouts` header. A request may
 * only shorten them: the upstream's own values are the cap, so a client cannot hold the edge longer than the
 * operator allows.
 */
import type { Upstream } from "../../db/records.ts";
import { EdgeError } from "../edge-error.ts";

/** The request header: `headers=<ms>,idle=<ms>,total=<ms>`, any subset. */
export const TIMEOUTS_HEADER = "x-switchyard-timeouts";

/** One attempt's budgets, in milliseconds. */
export interface Timeouts {
  headersMs: number;
  idleMs: number;
  totalMs: number;
}

/** What a request asked for (each field optional). */
export type TimeoutOverride = Partial<Timeouts>;

const NAMES = { headers: "headersMs", idle: "idleMs", total: "totalMs" } as const;

/**
 * Parses the header; undefined gives no override.
 * @throws EdgeError invalid_request naming the bad part (`x-switchyard-timeouts.idle`)
 */
export function parseTimeoutsHeader(header: string | undefined): TimeoutOverride {
  if (header === undefined) return {};
  const override: TimeoutOverride = {};
  for (const part of header.split(",")) {
    const [name = "", value = ""] = part.split("=", 2).map((s) => s.trim());
    const key = NAMES[name as keyof typeof NAMES];
    const param = `${TIMEOUTS_HEADER}.${name}`;
    if (!Object.hasOwn(NAMES, name) || key === undefined) {
      throw new EdgeError("invalid_request", `unknown timeout "${name}" (known: headers, idle, total)`, TIMEOUTS_HEADER);
    }
    if (!/^\d{1,9}$/.test(value) || Number(value) < 1) {
      throw new EdgeError("invalid_request", `timeout "${name}" must be a whole number of milliseconds ≥ 1`, param);
    }
    override[key] = Number(value);
  }
  return override;
}

/** The budgets for `upstream` under `override`: each the smaller of the two. */
export function timeoutsFor(upstream: Upstream, override: TimeoutOverride): Timeouts {
  return {
    headersMs: Math.min(upstream.timeoutMs, override.headersMs ?? Infinity),
    idleMs: Math.min(upstream.idleTimeoutMs, override.idleMs ?? Infinity),
    totalMs: Math.min(upstream.totalTimeoutMs, override.totalMs ?? Infinity),
  };
}
