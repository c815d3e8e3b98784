import { capabilityViolations, unmetCapabilities, type Capability } from "./capabilities.ts";
import { estimateCost, type CostEstimate, type PromptSize } from "./cost-model.ts";
import { explainChoice, explainNoChoice } from "./decision-reasons.ts";
import type { Candidate, Decision, Exclusion } from "./decision-schema.ts";
import { PENALTY_KEYS, type Flags, type PenaltyKey } from "./flags.ts";
import { constraintViolations } from "./hard-constraints.ts";
import type { ModelCard } from "./model-card.ts";
import { assertUniqueListed, byListOrder, listedCards, listViolations, unknownListed } from "./model-list.ts";
import { paretoFront } from "./pareto-front.ts";
import { normalisePenalties, rawPenalties, type PenaltyVector } from "./penalties.ts";
import { formatScore } from "./quantity-format.ts";

export { DecisionSchema, type Decision, type Candidate, type Exclusion } from "./decision-schema.ts";

/** Everything one routing decision depends on; `now` is passed in so the decision stays pure. */
export interface DecideInput {
  cards: ModelCard[];
  /** predicted quality in [0,1] per model id; a model missing here falls back to its card's qualityPrior */
  quality: Record<string, number>;
  flags: Flags;
  prompt: PromptSize;
  now: Date;
  /** capabilities the request uses (src/routing/capabilities.ts): a card lacking one is excluded */
  needs?: readonly Capability[];
  /** the request's `models` list (src/routing/model-list.ts): only these are candidates, ranked in this order */
  list?: readonly string[];
}

/**
 * The Tryage decision: hard constraints and the request's needs filter, then each feasible model is scored
 * λ_quality·(1 − quality) + Σ_k λ_k·penalty_k with penalties min-max normalised over the feasible set; the
 * lowest score wins (ties: lower estimated latency, then id). With a models list the list's order ranks
 * instead, and the scores are still reported.
 * @throws RangeError on duplicate card or listed ids, or a predicted quality outside [0,1].
 * @example
 * const quality = await predictor.predict(text, cards);
 * const flags = resolveFlags({ policy, header: parseFlagsHeader(headerValue), body: parseFlagsBody(body.routing) });
 * const decision = decide({ cards, quality, flags, prompt: { promptTokens, maxTokens }, now: new Date() });
 * decision.chosen; // "mamba-2.8b", or null when no model meets the hard constraints
 */
export function decide(input: DecideInput): Decision {
  const { cards, flags, prompt, now, list } = input;
  const needs = input.needs ?? [];
  assertUniqueIds(cards);
  if (list) assertUniqueListed(list);
  const excluded: Exclusion[] = [];
  const feasible: { card: ModelCard; estimate: CostEstimate; quality: number }[] = [];
  for (const card of cards) {
    const estimate = estimateCost(card, prompt);
    const reasons = [
      ...listViolations(card.id, list),
      ...constraintViolations(card, estimate, flags, prompt),
      ...capabilityViolations(card, needs),
    ];
    if (reasons.length > 0) excluded.push({ id: card.id, reasons });
    else feasible.push({ card, estimate, quality: qualityOf(card, input.quality) });
  }
  if (list) excluded.push(...unknownListed(cards, list));
  const objective = describeObjective(flags);
  if (feasible.length === 0) {
    const unmet = unmetCapabilities(listedCards(cards, list), needs);
    const reasons = explainNoChoice(cards, excluded, unmet, list !== undefined);
    return { chosen: null, objective, candidates: [], excluded, pareto: [], reasons };
  }

  const raw = feasible.map((f) => rawPenalties(f.card, f.estimate, now));
  const normalised = normalisePenalties(raw);
  const candidates: Candidate[] = feasible.map((f, i) => {
    const penalties = normalised[i] as PenaltyVector;
    const weighted = weigh(penalties, flags);
    const loss = 1 - f.quality;
    const score = PENALTY_KEYS.reduce((sum, k) => sum + weighted[k], flags.quality * loss);
    const { id, family } = f.card;
    return { id, rank: 0, family, quality: f.quality, loss, penalties, weighted, score, estimate: f.estimate };
  });
  candidates.sort(list ? byListOrder(list) : compareCandidates);
  candidates.forEach((c, i) => (c.rank = i + 1));

  const winner = candidates[0] as Candidate;
  return {
    chosen: winner.id,
    objective,
    candidates,
    excluded,
    pareto: paretoOf(candidates, flags),
    reasons: explainChoice({ candidates, excluded, flags, prompt, cards, ...(list ? { list } : {}) }),
  };
}

/** The penalty terms with λ > 0. */
export function activePenalties(flags: Flags): PenaltyKey[] {
  return PENALTY_KEYS.filter((k) => flags[k] > 0);
}

/** The objective in words, e.g. "score = 1·loss + 0.5·size + 2·latency". */
export function describeObjective(flags: Flags): string {
  const terms = [
    ...(flags.quality > 0 ? [`${formatScore(flags.quality)}·loss`] : []),
    ...activePenalties(flags).map((k) => `${formatScore(flags[k])}·${k}`),
  ];
  return terms.length > 0 ? `score = ${terms.join(" + ")}` : "score = 0 (every λ is 0: lowest latency wins)";
}

function compareCandidates(a: Candidate, b: Candidate): number {
  if (a.score !== b.score) return a.score - b.score;
  if (a.estimate.latencyMs !== b.estimate.latencyMs) return a.estimate.latencyMs - b.estimate.latencyMs;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function weigh(penalties: PenaltyVector, flags: Flags): PenaltyVector {
  return {
    size: flags.size * penalties.size,
    recency: flags.recency * penalties.recency,
    latency: flags.latency * penalties.latency,
    cost: flags.cost * penalties.cost,
    memory: flags.memory * penalties.memory,
  };
}

function paretoOf(candidates: Candidate[], flags: Flags): string[] {
  const active = activePenalties(flags);
  const keys: PenaltyKey[] = active.length > 0 ? active : ["latency"];
  return paretoFront(candidates.map((c) => ({ id: c.id, objectives: [c.loss, ...keys.map((k) => c.penalties[k])] })));
}

function qualityOf(card: ModelCard, quality: Record<string, number>): number {
  const q = Object.hasOwn(quality, card.id) ? quality[card.id] : card.qualityPrior;
  if (q === undefined || !(q >= 0 && q <= 1)) {
    throw new RangeError(`predicted quality of "${card.id}" must be in [0,1], got ${q}`);
  }
  return q;
}

function assertUniqueIds(cards: ModelCard[]): void {
  const seen = new Set<string>();
  for (const card of cards) {
    if (seen.has(card.id)) throw new RangeError(`model id "${card.id}" appears twice in the library`);
    seen.add(card.id);
  }
}
