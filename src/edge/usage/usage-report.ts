/**
 * Usage and realized savings from grouped decision rows: tokens, estimated cost and requests per key, per
 * model and per day, and what the same tokens would have cost on a baseline model. Pure: prices come in.
 */
import { z } from "zod";
import type { UsageRow } from "../../db/queries-usage.ts";

/** USD per million tokens, in and out. */
export interface Price {
  input: number;
  output: number;
}

const TotalsSchema = z.object({
  requests: z.number().int().nonnegative(),
  tokens_in: z.number().int().nonnegative(),
  tokens_out: z.number().int().nonnegative(),
  /** at the serving model's card prices */
  cost_usd: z.number().nonnegative(),
  /** the same tokens at the baseline's prices (0 when there is no baseline) */
  baseline_cost_usd: z.number().nonnegative(),
  /** baseline_cost_usd − cost_usd: negative when routing cost more than the baseline would have */
  savings_usd: z.number(),
});
type Totals = z.infer<typeof TotalsSchema>;

export const UsageReportSchema = z.object({
  object: z.literal("switchyard.usage"),
  since: z.string(),
  baseline: z
    .object({
      model: z.string(),
      /** query: ?baseline=; config: the Worker's SAVINGS_BASELINE_MODEL; most_expensive: the library's priciest model */
      source: z.enum(["query", "config", "most_expensive"]),
    })
    .nullable(),
  totals: TotalsSchema,
  by_key: z.array(TotalsSchema.extend({ key_id: z.string().nullable(), key_name: z.string().nullable() })),
  by_model: z.array(TotalsSchema.extend({ model: z.string() })),
  by_day: z.array(TotalsSchema.extend({ day: z.string() })),
  /** served models whose card is gone from the library: their cost counts as 0 */
  unpriced_models: z.array(z.string()),
});
export type UsageReport = z.infer<typeof UsageReportSchema>;

export interface UsageInputs {
  rows: readonly UsageRow[];
  prices: ReadonlyMap<string, Price>;
  baseline: { model: string; source: "query" | "config" | "most_expensive"; price: Price } | null;
  keyNames: ReadonlyMap<string, string>;
  since: string;
}

const usd = (tokens: number, perMTok: number) => (tokens * perMTok) / 1e6;

function totalsOf(rows: readonly UsageRow[], prices: ReadonlyMap<string, Price>, baseline: Price | null): Totals {
  const t: Totals = { requests: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0, baseline_cost_usd: 0, savings_usd: 0 };
  for (const r of rows) {
    const p = prices.get(r.model);
    t.requests += r.requests;
    t.tokens_in += r.tokensIn;
    t.tokens_out += r.tokensOut;
    if (p) t.cost_usd += usd(r.tokensIn, p.input) + usd(r.tokensOut, p.output);
    if (baseline) t.baseline_cost_usd += usd(r.tokensIn, baseline.input) + usd(r.tokensOut, baseline.output);
  }
  t.savings_usd = baseline ? t.baseline_cost_usd - t.cost_usd : 0;
  return t;
}

/** Groups `rows` by `keyOf`, in the order the keys first appear. */
function groupBy<K>(rows: readonly UsageRow[], keyOf: (r: UsageRow) => K): Map<K, UsageRow[]> {
  const groups = new Map<K, UsageRow[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  return groups;
}

/** The report: totals, then per key and per model (costliest first) and per day (oldest first). */
export function usageReport(inputs: UsageInputs): UsageReport {
  const { rows, prices, baseline, keyNames } = inputs;
  const price = baseline?.price ?? null;
  const totals = (g: readonly UsageRow[]) => totalsOf(g, prices, price);
  const byCost = (a: Totals, b: Totals) => b.cost_usd - a.cost_usd || b.requests - a.requests;
  return {
    object: "switchyard.usage",
    since: inputs.since,
    baseline: baseline && { model: baseline.model, source: baseline.source },
    totals: totals(rows),
    by_key: [...groupBy(rows, (r) => r.keyId)]
      .map(([keyId, g]) => ({ key_id: keyId, key_name: keyId === null ? null : (keyNames.get(keyId) ?? null), ...totals(g) }))
      .sort(byCost),
    by_model: [...groupBy(rows, (r) => r.model)].map(([model, g]) => ({ model, ...totals(g) })).sort(byCost),
    by_day: [...groupBy(rows, (r) => r.day)].map(([day, g]) => ({ day, ...totals(g) })).sort((a, b) => a.day.localeCompare(b.day)),
    unpriced_models: [...new Set(rows.map((r) => r.model))].filter((m) => !prices.has(m)).sort(),
  };
}
