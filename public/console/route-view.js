// The Route tab: a prompt and the flag sliders in, the ranked candidates with every term, the chosen model
// and the Pareto plot out. Moving a slider routes again.
import { api } from "./api.js";
import { fill, fmt, h, table } from "./dom.js";
import { paretoPlot } from "./charts.js";

const WEIGHTS = ["quality", "size", "recency", "latency", "cost", "memory"];
const PENALTIES = ["size", "recency", "latency", "cost", "memory"];
/** The cost axes the Pareto plot can put against quality. */
const AXES = {
  latency: { label: "estimated latency", of: (c) => c.estimate.latencyMs, fmt: fmt.ms },
  cost: { label: "estimated cost", of: (c) => c.estimate.costUsd, fmt: fmt.usd },
  size: { label: "weights", of: (c) => c.estimate.weightBytes, fmt: fmt.bytes },
  memory: { label: "KV cache + state", of: (c) => c.estimate.memoryBytes, fmt: fmt.bytes },
};

let axis = "latency";
let last = null;

function flags() {
  return Object.fromEntries(WEIGHTS.map((k) => [k, Number(document.getElementById(`flag-${k}`).value)]));
}

function sliders() {
  const box = document.getElementById("sliders");
  for (const k of WEIGHTS) {
    const out = h("output", { id: `flag-${k}-value` }, k === "quality" ? "1" : "0");
    const input = h("input", { id: `flag-${k}`, name: k, type: "range", min: 0, max: 5, step: 0.1, value: k === "quality" ? 1 : 0 });
    input.addEventListener("input", () => { out.textContent = input.value; scheduleRoute(); });
    box.append(h("label", { class: "slider" }, k, input, out));
  }
}

let timer = null;
let report = () => {};
function scheduleRoute() {
  clearTimeout(timer);
  timer = setTimeout(() => route().catch(report), 150);
}

export async function route() {
  const body = {
    model: document.getElementById("model").value,
    messages: [{ role: "user", content: document.getElementById("prompt").value }],
    max_tokens: Number(document.getElementById("max-tokens").value) || 256,
    routing: flags(),
  };
  last = await api("/v1/route", { body });
  render();
}

function plot(decision) {
  const a = AXES[axis];
  const points = decision.candidates.map((c) => ({
    id: c.id,
    family: c.family,
    x: a.of(c),
    quality: c.quality,
    pareto: decision.pareto.includes(c.id),
    chosen: c.id === decision.chosen,
  }));
  return paretoPlot(points, { xLabel: a.label, xFmt: a.fmt });
}

function render() {
  const r = last;
  const d = r.decision;
  const axisPicker = h("select", { id: "pareto-axis" }, Object.keys(AXES).map((k) => h("option", { value: k, selected: k === axis }, `quality vs ${k}`)));
  axisPicker.addEventListener("change", () => { axis = axisPicker.value; render(); });
  const rows = d.candidates.map((c) => [
    c.rank,
    h("td", { class: `text family-${c.family}` }, c.id),
    c.family,
    fmt.num(c.quality),
    ...PENALTIES.map((k) => fmt.num(c.weighted[k])),
    fmt.num(c.score, 4),
    fmt.ms(c.estimate.latencyMs),
    fmt.usd(c.estimate.costUsd),
    fmt.bytes(c.estimate.memoryBytes),
  ]);
  fill(document.getElementById("route-result"), 
    h("div", {}, "Chosen: ", h("span", { class: "chosen-model", id: "chosen-model" }, d.chosen ?? "none")),
    h("p", { class: "muted" }, `router ${r.router_version} · ${r.prompt_tokens} prompt tokens · ${d.objective}`),
    h("ul", { class: "reasons" }, d.reasons.map((x) => h("li", {}, x))),
    h("h2", {}, "Pareto front "),
    axisPicker,
    h("div", { id: "pareto" }, plot(d)),
    h("p", { class: "muted" }, "filled: on the Pareto front over quality and the active penalties; ringed: chosen"),
    h("h2", {}, "Candidates, every term"),
    table(["#", "model", "family", "quality", ...PENALTIES.map((k) => `λ·${k}`), "score", "latency", "cost", "memory"], rows, (i) => ({
      class: d.candidates[i].id === d.chosen ? "chosen" : undefined,
      "data-model": d.candidates[i].id,
    })),
    d.excluded.length ? h("h2", {}, "Excluded") : null,
    d.excluded.length ? table(["model", "why"], d.excluded.map((e) => [e.id, h("td", { class: "text" }, e.reasons.join("; "))])) : null,
  );
}

/** Builds the sliders and wires the form; failures go to `onError`. */
export function initRoute(onError) {
  report = onError;
  sliders();
  document.getElementById("route-form").addEventListener("submit", (e) => {
    e.preventDefault();
    route().catch(report);
  });
}

/** Fills the model picker from /v1/models; returns the library models. */
export async function loadModels() {
  const { data } = await api("/v1/models");
  const select = document.getElementById("model");
  const chosen = select.value;
  select.replaceChildren(...data.map((m) => h("option", { value: m.id, selected: m.id === chosen }, m.router ? `${m.id} (router)` : m.id)));
  return data.filter((m) => !m.router);
}
