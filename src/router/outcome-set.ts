/**
 * Outcome data in one shape for every source (RouterBench CSV, model7 JSON, the project's own records):
 * per prompt, a quality in [0,1] for each model that was measured (NaN where not) and optionally its cost.
 */
export interface OutcomeRow {
  readonly prompt: string;
  /** the task or split the prompt came from, e.g. "mmlu" */
  readonly task: string;
  /** quality per model, in OutcomeSet.modelIds order; NaN = not measured */
  readonly scores: Float32Array;
  /** USD per model for this prompt, in the same order; null when the source has no cost */
  readonly costs: Float32Array | null;
}

export interface OutcomeSet {
  readonly name: string;
  readonly modelIds: string[];
  readonly rows: OutcomeRow[];
  readonly skipped: SkipLog;
}

/** Counts skipped rows by reason and keeps a few examples of where, so a report can say what was dropped. */
export class SkipLog {
  private readonly counts = new Map<string, { count: number; examples: string[] }>();

  add(reason: string, where: string): void {
    const entry = this.counts.get(reason) ?? { count: 0, examples: [] };
    entry.count++;
    if (entry.examples.length < 3) entry.examples.push(where);
    this.counts.set(reason, entry);
  }

  merge(other: SkipLog): void {
    for (const r of other.entries()) for (let i = 0; i < r.count; i++) this.add(r.reason, r.examples[i] ?? r.examples[0] ?? "");
  }

  get total(): number {
    let n = 0;
    for (const e of this.counts.values()) n += e.count;
    return n;
  }

  entries(): { reason: string; count: number; examples: string[] }[] {
    return [...this.counts].map(([reason, e]) => ({ reason, count: e.count, examples: e.examples }));
  }

  /** One line per reason, e.g. "  3 × empty score for 'claude-v1' (arc_challenge_train.csv:12, …)". */
  describe(): string[] {
    return this.entries().map((e) => `${String(e.count).padStart(5)} × ${e.reason} (${e.examples.join(", ")}${e.count > e.examples.length ? ", …" : ""})`);
  }
}
