import { METHOD, type MethodEval, methodLabel, type TaskEval } from "./evaluate.ts";
import { describeVerdict, routerVerdicts } from "./eval-verdict.ts";
import { barChart, lineChart } from "./svg-plot.ts";

const pct = (v: number) => (Number.isFinite(v) ? (100 * v).toFixed(2) : "–");
const usd = (v: number) => (Number.isFinite(v) ? `$${(v * 1000).toFixed(3)}` : "–");

/** One dataset's evaluation, ready to render. */
export interface DatasetEval {
  dataset: string;
  command: string;
  tasks: TaskEval[];
  /** lines describing skipped rows, per file */
  skipped: string[];
  trainInfo: string;
}

/** One method's macro mean; `model` only when every task's constant method sent prompts to the same model. */
export interface MacroMean {
  method: MethodEval["method"];
  model?: string;
  quality: number;
}

/**
 * Macro mean over tasks of each method's quality, methods matched by name (a task may lack one, e.g. the
 * task-label reference where the task has no train rows). Only methods that every task reports are averaged:
 * a mean over fewer tasks would not compare with the others.
 */
export function macroMeans(tasks: TaskEval[]): MacroMean[] {
  const first = tasks[0];
  if (!first) return [];
  return first.methods.flatMap((m) => {
    const found = tasks.map((t) => t.methods.find((o) => o.method === m.method));
    if (found.some((f) => f === undefined)) return [];
    const models = new Set(found.map((f) => f?.model));
    const quality = found.reduce((s, f) => s + (f?.metrics.quality ?? 0), 0) / tasks.length;
    const model = models.size === 1 ? m.model : undefined;
    return [model === undefined ? { method: m.method, quality } : { method: m.method, model, quality }];
  });
}

function methodTable(t: TaskEval): string[] {
  const withCost = t.methods.some((m) => Number.isFinite(m.metrics.cost));
  const head = withCost ? "| method | quality % | top-1 % | regret % | cost / 1k prompts |" : "| method | quality % | top-1 % | regret % |";
  const rows = t.methods.map((m) => {
    const cells = [methodLabel(m), pct(m.metrics.quality), pct(m.metrics.top1), pct(m.metrics.regret)];
    if (withCost) cells.push(usd(m.metrics.cost));
    return `| ${cells.join(" | ")} |`;
  });
  return [head, withCost ? "|---|---:|---:|---:|---:|" : "|---|---:|---:|---:|", ...rows];
}

/** Markdown for one dataset: per-task tables, the cost-curve summaries and (model7) the macro mean. */
export function renderDataset(d: DatasetEval, plotFiles: string[]): string {
  const out: string[] = [`## ${d.dataset}`, "", `Command: \`${d.command}\``, "", d.trainInfo, ""];
  const verdicts = routerVerdicts(d.tasks).map(describeVerdict);
  out.push(`**On these held-out prompts** (${d.tasks.reduce((s, t) => s + t.n, 0)} in ${d.tasks.length} test task${d.tasks.length === 1 ? "" : "s"}): ${verdicts.join(" ")}`, "");
  if (d.skipped.length > 0) out.push("Rows skipped by the reader (reason × count, first lines):", "", ...d.skipped.map((s) => `- ${s.trim()}`), "");
  for (const t of d.tasks) {
    out.push(`### ${d.dataset} / ${t.task} (test, n = ${t.n})`, "", ...methodTable(t), "");
    const c = t.curve;
    if (c) {
      const op = c.operatingPoint;
      out.push(
        `λ_cost sweep (${c.lambdas.length} values; score = q̂ − λ·cost/max cost): AIQ router ${pct(c.aiq.router)}% vs kNN ${pct(c.aiq.knn)}% ` +
          `(cost range ${usd(c.aiq.range[0])}–${usd(c.aiq.range[1])} per 1k); APGR router ${pct(c.apgr.router)}% vs kNN ${pct(c.apgr.knn)}%; ` +
          `CPT(50%) router ${pct(c.cpt50.router)}% / kNN ${pct(c.cpt50.knn)}%, CPT(80%) router ${pct(c.cpt80.router)}% / kNN ${pct(c.cpt80.knn)}% of the strong model's cost.`,
        "",
        `Operating point (λ = ${op.lambda}, picked on held-out train rows for cost ≤ ${pct(op.budgetShare)}% of ${op.bestSingle}'s): ` +
          `quality ${pct(op.quality)}% at ${pct(op.costShare)}% of its cost (${usd(op.cost)} per 1k). For reference only (read off the ` +
          `test curve, so not a tuned result): the router's hull reaches ${pct(c.hullAtBudget.router)}% (kNN ${pct(c.hullAtBudget.knn)}%) at that budget.`,
        "",
        `Quality point (λ = ${op.qualityPoint.lambda}, picked on held-out train rows as the cheapest whose quality ≥ ${op.bestSingle}'s − 1 point): ` +
          `quality ${pct(op.qualityPoint.quality)}% at ${pct(op.qualityPoint.costShare)}% of its cost (${usd(op.qualityPoint.cost)} per 1k).`,
        "",
      );
    }
  }
  if (d.tasks.length > 1) {
    out.push(`### ${d.dataset}: macro mean over the ${d.tasks.length} test tasks`, "", "| method | macro quality % |", "|---|---:|");
    for (const m of macroMeans(d.tasks)) out.push(`| ${methodLabel(m)} | ${pct(m.quality)} |`);
    out.push("");
  }
  for (const f of plotFiles) out.push(`![${f}](${f})`, "");
  return out.join("\n");
}

const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"];

/** SVG plots for one dataset: a quality–cost chart per task with cost, or per-task bars otherwise. */
export function renderPlots(d: DatasetEval): { file: string; svg: string }[] {
  const withCurves = d.tasks.filter((t) => t.curve);
  if (withCurves.length > 0) {
    return withCurves.map((t) => {
      const c = t.curve as NonNullable<TaskEval["curve"]>;
      const svg = lineChart(
        `${d.dataset} / ${t.task}: quality vs cost (λ_cost sweep)`,
        "mean cost per prompt (USD, log scale)",
        "mean quality",
        [
          { name: METHOD.router, color: COLORS[0] ?? "blue", line: true, points: c.router.map((p) => ({ x: p.cost, y: p.quality })) },
          { name: METHOD.knn, color: COLORS[1] ?? "orange", line: true, points: c.knn.map((p) => ({ x: p.cost, y: p.quality })) },
          { name: "single models", color: "#777", line: false, points: c.singles.map((s) => ({ x: s.cost, y: s.quality, label: s.model.split("/").pop() ?? s.model })) },
        ],
        true,
      );
      return { file: `router-${d.dataset}-${t.task}.svg`.replace(/_/g, "-"), svg };
    });
  }
  const macro = macroMeans(d.tasks);
  const picks = [METHOD.router, METHOD.knn, METHOD.bestSingle, METHOD.oracle];
  const series = picks.map((method, k) => {
    const m = macro.find((o) => o.method === method);
    return {
      name: m ? methodLabel(m) : method,
      color: COLORS[k] ?? "gray",
      values: d.tasks.map((t) => t.methods.find((o) => o.method === method)?.metrics.quality ?? 0),
    };
  });
  return [{ file: `router-${d.dataset}.svg`, svg: barChart(`${d.dataset}: mean quality per test task`, "mean quality", d.tasks.map((t) => t.task), series) }];
}
