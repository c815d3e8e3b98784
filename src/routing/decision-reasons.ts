import { describeUnmet, type Capability } from "./capabilities.ts";
import type { PromptSize } from "./cost-model.ts";
import type { Candidate, Exclusion } from "./decision-schema.ts";
import { PENALTY_KEYS, type Flags, type PenaltyKey } from "./flags.ts";
import type { ModelCard } from "./model-card.ts";
import {
  formatBytes,
  formatMs,
  formatParams,
  formatRatio,
  formatScore,
  formatTokens,
  formatUsd,
} from "./quantity-format.ts";

type Term = "quality" | PenaltyKey;

/** What the reasons for a choice are worded from. */
export interface ChoiceContext {
  /** feasible candidates, ranked, at least one */
  candidates: Candidate[];
  excluded: Exclusion[];
  flags: Flags;
  prompt: PromptSize;
  cards: ModelCard[];
  /** the request's models list, when it has one: the candidates are in its order */
  list?: readonly string[];
}

/**
 * Why the winner won, in words: its score against the runner-up, each term it wins or gives up, exclusions;
 * or, under a models list, its place in the list and the fallbacks that follow it.
 */
export function explainChoice(ctx: ChoiceContext): string[] {
  const [w, r] = ctx.candidates as [Candidate, Candidate | undefined];
  const lines: string[] = [];
  if (ctx.list) {
    lines.push(...explainListed(ctx.candidates, ctx.list));
  } else if (!r) {
    lines.push(`${w.id}: the only model that meets the hard constraints (score ${formatScore(w.score)})`);
  } else if (w.score === r.score) {
    const by = w.estimate.latencyMs < r.estimate.latencyMs ? "lower estimated latency" : "id order";
    lines.push(`${w.id}: tied with ${r.id} at score ${formatScore(w.score)}; chosen by ${by}`);
  } else {
    lines.push(
      `${w.id}: lowest score ${formatScore(w.score)} of ${ctx.candidates.length} feasible models ` +
        `(next: ${r.id} at ${formatScore(r.score)})`,
    );
  }
  if (r && !ctx.list) lines.push(...compareWithRunnerUp(w, r, ctx));
  if (ctx.excluded.length > 0) {
    lines.push(`${ctx.excluded.length} excluded by hard constraints (${summariseExclusions(ctx.excluded)})`);
  }
  return lines;
}

/**
 * Why nothing was chosen: first each capability the request uses that no model it may go to has (`unmet`),
 * then every model's exclusion; or an empty library.
 */
export function explainNoChoice(cards: ModelCard[], excluded: Exclusion[], unmet: readonly Capability[], listed: boolean): string[] {
  if (cards.length === 0) return ["no model to choose from: the library is empty"];
  return [
    ...unmet.map((c) => describeUnmet(c, listed ? "listed model" : "model")),
    `no feasible model: all ${excluded.length} excluded by hard constraints (${summariseExclusions(excluded)})`,
    ...excluded.map((e) => `${e.id}: ${e.reasons.join("; ")}`),
  ];
}

function explainListed(candidates: Candidate[], list: readonly string[]): string[] {
  const [w, ...rest] = candidates as [Candidate, ...Candidate[]];
  const place = list.indexOf(w.id) + 1;
  const lines = [
    `${w.id}: the first feasible model of the request's models list (#${place} of ${list.length}; score ${formatScore(w.score)})`,
  ];
  if (rest.length > 0) lines.push(`fallbacks in the list's order: ${rest.map((c) => c.id).join(", ")}`);
  return lines;
}

/** "max_params ×2, families ×1": how many models each constraint ruled out, most first. */
function summariseExclusions(excluded: Exclusion[]): string {
  const counts = new Map<string, number>();
  for (const e of excluded) {
    for (const reason of e.reasons) {
      const name = reason.slice(0, reason.indexOf(":"));
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  return [...counts]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .map(([name, n]) => `${name} ×${n}`)
    .join(", ");
}

function compareWithRunnerUp(w: Candidate, r: Candidate, ctx: ChoiceContext): string[] {
  const active = PENALTY_KEYS.filter((k) => ctx.flags[k] > 0);
  // With every λ at 0 the tie-break (latency) decides, so that is the term worth comparing.
  const terms: Term[] = [
    ...(ctx.flags.quality > 0 ? (["quality"] as const) : []),
    ...(active.length > 0 || ctx.flags.quality > 0 ? active : (["latency"] as const)),
  ];
  const card = (id: string) => ctx.cards.find((c) => c.id === id) as ModelCard;
  const wins: string[] = [];
  const losses: string[] = [];
  for (const term of terms) {
    const wv = rawValue(term, w, card(w.id));
    const rv = rawValue(term, r, card(r.id));
    if (wv === rv) continue;
    const better = term === "quality" ? wv > rv : wv < rv;
    if (better) wins.push(describeWin(term, w, r, card, ctx.prompt));
    else {
      const name = term === "quality" ? "predicted quality" : term;
      losses.push(`${name} (${formatTerm(term, wv, card(w.id))} vs ${formatTerm(term, rv, card(r.id))})`);
    }
  }
  const lines = wins.map((text) => `${w.id}: ${text}`);
  if (losses.length > 0) {
    lines.push(`${w.id}: gives up ${losses.join(", ")} to ${r.id}, outweighed by the terms it wins`);
  }
  return lines;
}

function rawValue(term: Term, c: Candidate, card: ModelCard): number {
  switch (term) {
    case "quality":
      return c.quality;
    case "size":
      return card.params;
    case "recency":
      return -Date.parse(`${card.releasedAt}T00:00:00Z`);
    case "latency":
      return c.estimate.latencyMs;
    case "cost":
      return c.estimate.costUsd;
    case "memory":
      return c.estimate.memoryBytes;
  }
}

function formatTerm(term: Term, value: number, card: ModelCard): string {
  switch (term) {
    case "quality":
      return value.toFixed(2);
    case "size":
      return `${formatParams(value)} params`;
    case "recency":
      return `released ${card.releasedAt}`;
    case "latency":
      return formatMs(value);
    case "cost":
      return formatUsd(value);
    case "memory":
      return formatBytes(value);
  }
}

function describeWin(
  term: Term,
  w: Candidate,
  r: Candidate,
  card: (id: string) => ModelCard,
  prompt: PromptSize,
): string {
  const at = `at ${formatTokens(prompt.promptTokens)} prompt tokens`;
  const raw = (c: Candidate) => rawValue(term, c, card(c.id));
  const both = `${formatTerm(term, raw(w), card(w.id))} vs ${formatTerm(term, raw(r), card(r.id))}`;
  switch (term) {
    case "quality":
      return `higher predicted quality than ${r.id} (${raw(w).toFixed(2)} vs ${raw(r).toFixed(2)})`;
    case "latency":
      return `${formatRatio(raw(r), raw(w))} faster than ${r.id} ${at} (${both})`;
    case "memory":
      return raw(w) === 0
        ? `no KV cache or SSM state vs ${formatBytes(raw(r))} for ${r.id}`
        : `${formatRatio(raw(r), raw(w))} less KV/state memory than ${r.id} ${at} (${both})`;
    case "cost":
      return raw(w) === 0
        ? `free vs ${formatUsd(raw(r))} for ${r.id}`
        : `${formatRatio(raw(r), raw(w))} cheaper than ${r.id} (${both})`;
    case "size":
      return `smaller than ${r.id} (${both})`;
    case "recency":
      return `newer than ${r.id} (${both})`;
  }
}
