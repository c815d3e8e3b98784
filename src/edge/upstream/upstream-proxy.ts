/**
 * Sends a request to the best candidate that can answer. Before the edge commits to an answer (the client
 * has seen nothing yet) any failure moves on: an open circuit breaker is skipped at no cost, then each
 * candidate gets one attempt in rank order, then retryable failures (connection errors, 5xx, 429) get
 * one more try after a jittered backoff that never comes sooner than their Retry-After. A 4xx other than
 * 401/403/429 is the client's to see and is final.
 */
import { breakerPhase } from "../../routing/circuit-breaker.ts";
import { retryDelayMs } from "../../routing/retry-schedule.ts";
import type { Bindings } from "../app-env.ts";
import type { Target } from "../routing-plan.ts";
import type { BreakerBoard } from "./breaker-board.ts";
import { timeoutsFor, type TimeoutOverride } from "./timeouts.ts";
import { attemptUpstream, type Committed } from "./upstream-attempt.ts";
import { FAULT_KINDS, UpstreamFault } from "./upstream-fault.ts";

/** Distinct candidates sent to per request. */
export const MAX_CANDIDATES = 3;
/** Extra tries of a candidate that failed in a retryable way. */
export const MAX_RETRIES = 1;

/** One failed or skipped attempt, as recorded in decisions.fallbacks_tried. */
export interface Attempt {
  model: string;
  upstream: string;
  error: string;
}

/** What one proxied request needs. */
export interface ProxyRequest {
  /** candidates, best first */
  targets: Target[];
  /** the OpenAI path under the upstream's base URL, e.g. "/chat/completions" */
  path: string;
  /** the JSON body for one target (its upstream model name filled in) */
  bodyFor: (t: Target) => string;
  env: Bindings;
  override: TimeoutOverride;
  breakers: BreakerBoard;
}

/** The committed answer, or every attempt's failure. */
export type ProxyOutcome =
  | { ok: true; answer: Committed; target: Target; attempts: Attempt[] }
  | { ok: false; attempts: Attempt[]; faults: UpstreamFault[]; retryAfterMs: number | null };

/** Tries the candidates; see the module comment for the order. */
export async function proxyRequest(req: ProxyRequest): Promise<ProxyOutcome> {
  const attempts: Attempt[] = [];
  const faults: UpstreamFault[] = [];
  const retryable: { target: Target; fault: UpstreamFault }[] = [];
  const deadline = Date.now() + (req.override.totalMs ?? Infinity);
  const note = (target: Target, fault: UpstreamFault) => {
    attempts.push({ model: target.model.id, upstream: target.upstream.id, error: fault.detail });
    faults.push(fault);
  };

  const tryOnce = async (target: Target): Promise<Committed | null> => {
    const { upstream } = target;
    const admission = await req.breakers.admit(upstream.id, Date.now());
    if (!admission.send) {
      const s = admission.state;
      const wait = s.openUntil === null ? 0 : Math.max(0, s.openUntil - Date.now());
      note(target, new UpstreamFault("circuit_open", `circuit open (${s.failures} failures, last: ${s.lastError ?? "none"}); ${Math.ceil(wait / 1000)} s to a probe`, wait));
      return null;
    }
    const left = deadline - Date.now();
    const override = { ...req.override, ...(Number.isFinite(left) ? { totalMs: Math.max(1, left) } : {}) };
    const result = await attemptUpstream(target, req.path, req.bodyFor(target), req.env, timeoutsFor(upstream, override));
    if (result.kind !== "failed") {
      req.breakers.succeeded(upstream.id);
      return result;
    }
    const { fault } = result;
    note(target, fault);
    // A 429 proves the upstream is up; only faults that say it is broken count against its breaker.
    if (FAULT_KINDS[fault.kind].breaker) {
      req.breakers.failed(upstream.id, fault.detail, fault.kind === "http" ? fault.retryAfterMs : null);
    } else if (fault.kind === "busy") {
      req.breakers.succeeded(upstream.id);
    }
    if (FAULT_KINDS[fault.kind].retryable) retryable.push({ target, fault });
    return null;
  };

  let sent = 0;
  for (const target of req.targets) {
    if (sent >= MAX_CANDIDATES || Date.now() >= deadline) break;
    const before = attempts.length;
    const answer = await tryOnce(target);
    if (answer) return { ok: true, answer, target, attempts };
    if (faults[before]?.kind !== "circuit_open") sent += 1;
  }
  let retries = 0;
  for (const { target, fault } of [...retryable]) {
    if (retries >= MAX_RETRIES) break;
    const delay = retryDelayMs(retries, fault.retryAfterMs, Math.random());
    if (delay === null || Date.now() + delay >= deadline) continue;
    if (breakerPhase(req.breakers.state(target.upstream.id), Date.now() + delay) !== "closed") continue;
    retries += 1;
    await new Promise((resolve) => setTimeout(resolve, delay));
    const answer = await tryOnce(target);
    if (answer) return { ok: true, answer, target, attempts };
  }
  const skipped = faults.filter((f) => f.kind === "circuit_open").map((f) => f.retryAfterMs ?? 0);
  const retryAfterMs = skipped.length === faults.length && skipped.length > 0 ? Math.min(...skipped) : null;
  return { ok: false, attempts, faults, retryAfterMs };
}
