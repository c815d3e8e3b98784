/**
 * Sums a decode step's kernels from Nsight Compute CSV (bench/gpu/profile-step.ts run under
 * `ncu --metrics gpu__time_duration.sum --csv`): the profile holds the same ops twice, so its second half is one
 * step. Prints kernels by total time, with launches and mean µs, then the step's launches and summed kernel time:
 *   npx tsx bench/gpu/profile-report.ts <ncu.csv>…
 */
import { readFileSync } from "node:fs";

/** The fields of one CSV line (double-quoted, "" for a quote). */
function fields(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted && ch === '"' && line[i + 1] === '"') {
      cur += '"';
      i++;
    } else if (ch === '"') quoted = !quoted;
    else if (ch === "," && !quoted) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

for (const file of process.argv.slice(2)) {
  const lines = readFileSync(file, "utf8").split("\n").filter((l) => l.startsWith('"'));
  const header = fields(lines[0]!);
  const [name, metric, value, unit] = ["Kernel Name", "Metric Name", "Metric Value", "Metric Unit"].map((h) => header.indexOf(h));
  const rows = lines.slice(1).map(fields).filter((f) => f[metric!] === "gpu__time_duration.sum");
  const step = rows.slice(rows.length / 2);
  const scale = (u: string) => ({ ns: 1e-3, nsecond: 1e-3, us: 1, usecond: 1, ms: 1e3, msecond: 1e3 })[u] ?? NaN;
  const byKernel = new Map<string, { count: number; us: number }>();
  for (const r of step) {
    // the kernel's name without its namespace and template arguments
    const k = r[name!]!.replace(/\(.*$/, "").replace(/^void /, "").replace(/<unnamed>::/g, "").replace(/<.*$/, "").replace(/^.*::/, "");
    const e = byKernel.get(k) ?? { count: 0, us: 0 };
    e.count += 1;
    e.us += Number(r[value!]!.replace(/,/g, "")) * scale(r[unit!]!);
    byKernel.set(k, e);
  }
  const total = [...byKernel.values()].reduce((a, e) => a + e.us, 0);
  console.log(`\n${file}: ${step.length} kernel launches in one step, ${total.toFixed(1)} µs of kernel time\n`);
  console.log("| kernel | launches | total µs | mean µs | share |\n|---|---:|---:|---:|---:|");
  for (const [k, e] of [...byKernel.entries()].sort((a, b) => b[1].us - a[1].us)) {
    console.log(`| ${k} | ${e.count} | ${e.us.toFixed(1)} | ${(e.us / e.count).toFixed(2)} | ${((100 * e.us) / total).toFixed(1)}% |`);
  }
}
