// The Usage tab (admin token): tokens, estimated cost and requests per model, key and day, and the savings
// against the baseline model.
import { adminApi } from "./api.js";
import { fill, fmt, h, table } from "./dom.js";

const cells = (t) => [t.requests, t.tokens_in, t.tokens_out, fmt.usd(t.cost_usd), fmt.usd(t.baseline_cost_usd), fmt.usd(t.savings_usd)];
const HEAD = ["requests", "tokens in", "tokens out", "cost", "at baseline", "saved"];

export async function loadUsage(models) {
  const picker = document.getElementById("usage-baseline");
  if (picker.options.length === 1) for (const m of models) picker.append(h("option", { value: m.id }, m.id));
  const q = new URLSearchParams({ days: document.getElementById("usage-days").value || "30" });
  if (picker.value) q.set("baseline", picker.value);
  const u = await adminApi(`/admin/usage?${q}`);
  const t = u.totals;
  const pct = t.baseline_cost_usd > 0 ? ` (${((100 * t.savings_usd) / t.baseline_cost_usd).toFixed(1)}%)` : "";
  fill(document.getElementById("usage"), 
    h("p", { id: "savings" }, `Since ${u.since}: ${t.requests} request${t.requests === 1 ? "" : "s"}, ${fmt.usd(t.cost_usd)} estimated; on ${u.baseline?.model ?? "no baseline"} (${u.baseline?.source ?? "—"}) the same tokens would cost ${fmt.usd(t.baseline_cost_usd)}: saved ${fmt.usd(t.savings_usd)}${pct}.`),
    h("h2", {}, "By model"),
    table(["model", ...HEAD], u.by_model.map((m) => [h("td", { class: "text" }, m.model), ...cells(m)])),
    h("h2", {}, "By key"),
    table(["key", ...HEAD], u.by_key.map((k) => [h("td", { class: "text" }, k.key_name ? `${k.key_name} (${k.key_id})` : (k.key_id ?? "admin")), ...cells(k)])),
    h("h2", {}, "By day"),
    table(["day", ...HEAD], u.by_day.map((d) => [d.day, ...cells(d)])),
    u.unpriced_models.length ? h("p", { class: "muted" }, `No card (counted at $0): ${u.unpriced_models.join(", ")}`) : null,
  );
}
