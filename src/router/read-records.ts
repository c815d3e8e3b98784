import { z } from "zod";
import { type OutcomeRow, type OutcomeSet, SkipLog } from "./outcome-set.ts";

/**
 * One line of the project's own outcome records (JSON Lines): a prompt, the model that answered it, and
 * either feedback (score 0..1) or a measured loss (mean NLL in nats from the tier's /v1/score), optionally
 * what that answer cost (USD) and the task it belongs to. `switchyard calibrate` writes these; exported
 * decision feedback uses the same shape.
 */
export const OutcomeRecordSchema = z
  .object({
    prompt: z.string().min(1),
    model: z.string().min(1),
    score: z.number().min(0).max(1).optional(),
    loss: z.number().min(0).optional(),
    /** USD this model's answer to this prompt cost; given on every record of a file or on none */
    cost: z.number().min(0).optional(),
    task: z.string().min(1).optional(),
  })
  .strict()
  .refine((r) => (r.score === undefined) !== (r.loss === undefined), { message: "exactly one of score and loss" });
export type OutcomeRecord = z.infer<typeof OutcomeRecordSchema>;

/** Tryage reads a model's loss; the router predicts quality. exp(−NLL) is the per-token probability. */
export function lossToQuality(meanNll: number): number {
  return Math.exp(-meanNll);
}

/** Running sums of one (prompt, model): quality, cost, count. */
type Sums = [number, number, number];

/**
 * Reads JSON Lines of outcome records into one OutcomeSet: a row per distinct prompt, NaN for models
 * not measured on it. Bad lines are skipped and logged; a repeated (prompt, model) keeps the mean score and
 * cost. Rows carry costs when the records do; a file where some records have a cost and others not is an
 * error, since cost-aware training and evaluation need the cost of every choice.
 * @throws when some records carry a cost and others do not
 */
export function readOutcomeRecords(text: string, source: string): OutcomeSet {
  const skipped = new SkipLog();
  const byPrompt = new Map<string, { task: string; sums: Map<string, Sums> }>();
  const models = new Set<string>();
  let priced = 0;
  let read = 0;
  text.split("\n").forEach((raw, n) => {
    const line = raw.trim();
    if (line === "") return;
    const where = `${source}:${n + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      return skipped.add("not JSON", where);
    }
    const parsed = OutcomeRecordSchema.safeParse(json);
    if (!parsed.success) return skipped.add(parsed.error.issues.map((i) => `${i.path.join(".") || "record"}: ${i.message}`).join("; "), where);
    const r = parsed.data;
    const q = r.score ?? lossToQuality(r.loss ?? 0);
    read++;
    if (r.cost !== undefined) priced++;
    models.add(r.model);
    const entry = byPrompt.get(r.prompt) ?? { task: r.task ?? "records", sums: new Map() };
    const [q0, c0, k0] = entry.sums.get(r.model) ?? [0, 0, 0];
    entry.sums.set(r.model, [q0 + q, c0 + (r.cost ?? 0), k0 + 1]);
    byPrompt.set(r.prompt, entry);
  });
  if (priced > 0 && priced < read) throw new Error(`${source}: ${priced} of ${read} records have a cost; give every record a cost, or none`);
  const modelIds = [...models].sort();
  const rows: OutcomeRow[] = [...byPrompt].map(([prompt, e]) => ({
    prompt,
    task: e.task,
    scores: Float32Array.from(modelIds, (m) => {
      const v = e.sums.get(m);
      return v ? v[0] / v[2] : Number.NaN;
    }),
    // A model not measured on this prompt costs 0 here; its NaN score is what marks it.
    costs: priced > 0 ? Float32Array.from(modelIds, (m) => (e.sums.get(m)?.[1] ?? 0) / (e.sums.get(m)?.[2] ?? 1)) : null,
  }));
  return { name: source, modelIds, rows, skipped };
}
