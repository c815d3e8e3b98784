import { z } from "zod";
import { type OutcomeRow, type OutcomeSet, SkipLog } from "./outcome-set.ts";

/**
 * One line of the project's own outcome records (JSON Lines): a prompt, the model that answered it, and
 * either feedback (score 0..1) or a measured loss (mean NLL in nats from the tier's /v1/score).
 * `switchyard calibrate` writes these; exported decision feedback uses the same shape.
 */
export const OutcomeRecordSchema = z
  .object({
    prompt: z.string().min(1),
    model: z.string().min(1),
    score: z.number().min(0).max(1).optional(),
    loss: z.number().min(0).optional(),
    task: z.string().optional(),
  })
  .strict()
  .refine((r) => (r.score === undefined) !== (r.loss === undefined), { message: "exactly one of score and loss" });
export type OutcomeRecord = z.infer<typeof OutcomeRecordSchema>;

/** Tryage reads a model's loss; the router predicts quality. exp(−NLL) is the per-token probability. */
export function lossToQuality(meanNll: number): number {
  return Math.exp(-meanNll);
}

/**
 * Reads JSON Lines of outcome records into one OutcomeSet: a row per distinct prompt, NaN for models
 * not measured on it. Bad lines are skipped and logged; a repeated (prompt, model) keeps the mean.
 */
export function readOutcomeRecords(text: string, source: string): OutcomeSet {
  const skipped = new SkipLog();
  const byPrompt = new Map<string, { task: string; sums: Map<string, [number, number]> }>();
  const models = new Set<string>();
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
    models.add(r.model);
    const entry = byPrompt.get(r.prompt) ?? { task: r.task ?? "records", sums: new Map() };
    const [s, c] = entry.sums.get(r.model) ?? [0, 0];
    entry.sums.set(r.model, [s + q, c + 1]);
    byPrompt.set(r.prompt, entry);
  });
  const modelIds = [...models].sort();
  const rows: OutcomeRow[] = [...byPrompt].map(([prompt, e]) => ({
    prompt,
    task: e.task,
    scores: Float32Array.from(modelIds, (m) => {
      const v = e.sums.get(m);
      return v ? v[0] / v[1] : Number.NaN;
    }),
    costs: null,
  }));
  return { name: source, modelIds, rows, skipped };
}
