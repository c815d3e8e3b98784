import { parseCsv } from "./csv-table.ts";
import { type OutcomeRow, type OutcomeSet, SkipLog } from "./outcome-set.ts";
import { parsePythonStringList } from "./python-list-literal.ts";

const COST_SUFFIX = "|total_cost";

/**
 * Reads one RouterBench CSV (RouterDC's routerbench_zs layout): `prompt` as a Python list literal, one
 * score column per model (0..1) and `<model>|total_cost` (USD). The model set is the score columns that
 * have a cost column. A row with an unparsable prompt, or a missing/out-of-range score or cost for any
 * model, is skipped and logged with its line.
 */
export function readRouterBenchCsv(text: string, source: string, task: string): OutcomeSet {
  const { header, rows } = parseCsv(text);
  const col = new Map(header.map((h, i) => [h, i]));
  const promptCol = col.get("prompt");
  if (promptCol === undefined) throw new Error(`${source}: no 'prompt' column`);
  const modelIds = header.filter((h) => !h.includes("|") && col.has(h + COST_SUFFIX));
  if (modelIds.length === 0) throw new Error(`${source}: no '<model>${COST_SUFFIX}' columns`);
  const skipped = new SkipLog();
  const out: OutcomeRow[] = [];
  for (const { line, cells } of rows) {
    const where = `${source}:${line}`;
    if (cells.length === 1 && cells[0] === "") continue; // trailing blank line
    if (cells.length !== header.length) {
      skipped.add(`row has ${cells.length} cells, header has ${header.length}`, where);
      continue;
    }
    let prompt: string;
    try {
      prompt = parsePythonStringList(cells[promptCol] ?? "").join("\n");
    } catch (err) {
      skipped.add(`prompt is not a list of string literals (${(err as Error).message.replace(/ at offset \d+/, "")})`, where);
      continue;
    }
    if (prompt.trim() === "") {
      skipped.add("empty prompt", where);
      continue;
    }
    const scores = new Float32Array(modelIds.length);
    const costs = new Float32Array(modelIds.length);
    const problem = modelIds.reduce<string | null>((bad, m, k) => {
      if (bad) return bad;
      const s = cells[col.get(m) ?? -1]?.trim() ?? "";
      const c = cells[col.get(m + COST_SUFFIX) ?? -1]?.trim() ?? "";
      const sv = Number(s);
      const cv = Number(c);
      if (s === "") return `empty score for '${m}'`;
      if (!Number.isFinite(sv) || sv < 0 || sv > 1) return `score for '${m}' not in [0,1]`;
      if (c === "" || !Number.isFinite(cv) || cv < 0) return `missing or negative cost for '${m}'`;
      scores[k] = sv;
      costs[k] = cv;
      return null;
    }, null);
    if (problem) {
      skipped.add(problem, where);
      continue;
    }
    out.push({ prompt, task, scores, costs });
  }
  return { name: task, modelIds, rows: out, skipped };
}
