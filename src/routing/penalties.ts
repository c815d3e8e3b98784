import type { CostEstimate } from "./cost-model.ts";
import { PENALTY_KEYS, type PenaltyKey } from "./flags.ts";
import type { ModelCard } from "./model-card.ts";

/** One value per penalty term. */
export type PenaltyVector = Record<PenaltyKey, number>;

const MS_PER_DAY = 86_400_000;

/** Age in days at `now` of a model released on `releasedAt` (YYYY-MM-DD, UTC midnight); negative if unreleased. */
export function ageInDays(releasedAt: string, now: Date): number {
  return (now.getTime() - Date.parse(`${releasedAt}T00:00:00Z`)) / MS_PER_DAY;
}

/** The raw quantity behind each penalty, higher is worse: params, age, ms, USD, KV/state bytes. */
export function rawPenalties(card: ModelCard, estimate: CostEstimate, now: Date): PenaltyVector {
  return {
    size: card.params,
    recency: ageInDays(card.releasedAt, now),
    latency: estimate.latencyMs,
    cost: estimate.costUsd,
    memory: estimate.memoryBytes,
  };
}

/** Min-max normalises each term to [0,1] across the given set; a term equal for all maps to 0. */
export function normalisePenalties(raw: readonly PenaltyVector[]): PenaltyVector[] {
  const out = raw.map(() => ({ size: 0, recency: 0, latency: 0, cost: 0, memory: 0 }));
  for (const key of PENALTY_KEYS) {
    const values = raw.map((r) => r[key]);
    const lo = Math.min(...values);
    const span = Math.max(...values) - lo;
    if (!(span > 0)) continue;
    raw.forEach((r, i) => {
      // Clamp: (x − lo) / span can round a hair past 1 for the maximum.
      (out[i] as PenaltyVector)[key] = Math.min(1, (r[key] - lo) / span);
    });
  }
  return out;
}
