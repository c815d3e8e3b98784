// The Decisions tab: this key's recent decisions and, for the one clicked, every candidate and what happened.
import { api } from "./api.js";
import { fill, fmt, h, table } from "./dom.js";

const PENALTIES = ["size", "recency", "latency", "cost", "memory"];

function detail(d) {
  return [
    h("h2", {}, `Decision ${d.id}`),
    table(
      ["field", "value"],
      [
        ["when", fmt.time(d.created_ms)],
        ["endpoint", d.endpoint],
        ["asked for", d.requested_model],
        ["served by", d.model ?? "none"],
        ["status", `${d.status} (HTTP ${d.http_status}${d.ended_cleanly ? "" : ", ended early"})`],
        ["error", d.error ?? "—"],
        ["tokens in / out", `${d.tokens_in ?? "—"} / ${d.tokens_out ?? "—"}`],
        ["latency (upstream headers / total)", `${fmt.ms(d.upstream_latency_ms)} / ${fmt.ms(d.total_latency_ms)}`],
        ["router", d.router_version],
      ].map(([k, v]) => [h("td", { class: "text" }, k), h("td", { class: "text" }, v)]),
    ),
    h("h2", {}, "Candidates"),
    table(
      ["#", "model", "quality", ...PENALTIES.map((k) => `λ·${k}`), "score", "latency"],
      d.candidates.map((c) => [c.rank, h("td", { class: `text family-${c.family}` }, c.id), fmt.num(c.quality), ...PENALTIES.map((k) => fmt.num(c.weighted[k])), fmt.num(c.score, 4), fmt.ms(c.estimate.latencyMs)]),
      (i) => ({ class: d.candidates[i].id === d.model ? "chosen" : undefined }),
    ),
    h("h2", {}, "Outcomes"),
    d.outcomes.length
      ? table(["when", "score", "loss", "source"], d.outcomes.map((o) => [fmt.time(o.created_ms), fmt.num(o.score), fmt.num(o.loss), o.source]))
      : h("p", { class: "muted" }, "No feedback yet (POST /v1/feedback with this decision id)."),
    d.fallbacks_tried.length ? h("h2", {}, "Fallbacks tried") : null,
    d.fallbacks_tried.length ? table(["model", "upstream", "error"], d.fallbacks_tried.map((a) => [a.model, a.upstream, h("td", { class: "text" }, a.error)])) : null,
  ];
}

async function open(id, onError) {
  try {
    fill(document.getElementById("decision-detail"), ...detail(await api(`/v1/decisions/${encodeURIComponent(id)}`)));
  } catch (err) {
    onError(err);
  }
}

export async function loadDecisions(onError) {
  const { data } = await api("/v1/decisions?limit=50");
  const rows = data.map((d) => [fmt.time(d.created_ms), h("td", { class: "text" }, d.model ?? "none"), d.endpoint, d.status, d.tokens_out ?? "—", fmt.ms(d.total_latency_ms)]);
  fill(document.getElementById("decision-list"), 
    data.length ? table(["when", "model", "endpoint", "status", "tokens out", "latency"], rows, (i) => ({
      class: "clickable",
      "data-decision": data[i].id,
      onclick: () => open(data[i].id, onError),
    })) : h("p", { class: "muted" }, "No decisions yet for this key: route a prompt or send a completion."),
  );
}
