// The Library tab: each model's architecture card, and its estimated latency and memory over prompt length,
// so that attention's growth and an SSM's flat state can be seen side by side.
import { api } from "./api.js";
import { fill, fmt, h, table } from "./dom.js";
import { lineChart } from "./charts.js";

const k = (n) => (n >= 1024 ? `${Math.round(n / 1024)}k` : String(n));

export async function loadLibrary(models) {
  const { data: curves } = await api("/v1/cost-curves");
  const byId = new Map(curves.map((c) => [c.id, c]));
  const series = (y) => curves.map((c) => ({ id: c.id, family: c.family, points: c.points.map((p) => ({ x: p.prompt_tokens, y: y(p), dashed: !p.within_context })) }));
  const cards = models.map((m) => m.card);
  const xTicks = curves[0]?.points.filter((_, i) => i % 2 === 0).map((p) => p.prompt_tokens);
  fill(document.getElementById("library"), 
    h("h2", {}, "Cost over prompt length (1k → 128k tokens, 256 generated)"),
    h("p", { class: "legend" }, h("span", { class: "family-ssm" }, "■ SSM"), h("span", { class: "family-hybrid" }, "■ hybrid"), h("span", { class: "family-transformer" }, "■ Transformer"), h("span", { class: "muted" }, "dashed: past the context window")),
    h(
      "div",
      { class: "charts" },
      lineChart(series((p) => p.latency_ms), { xLabel: "prompt tokens", yLabel: "estimated latency", xFmt: k, yFmt: fmt.ms, xTicks }),
      lineChart(series((p) => Math.max(p.memory_bytes, 1)), { xLabel: "prompt tokens", yLabel: "KV cache + SSM state", xFmt: k, yFmt: fmt.bytes, xTicks }),
    ),
    h("h2", {}, "Architecture cards"),
    table(
      ["model", "family", "architecture", "params", "layers (attention)", "d_model", "d_state", "kv heads", "context", "released", "$/M in", "$/M out", "memory at 128k", "capabilities"],
      cards.map((c) => [
        h("td", { class: `text family-${c.family}` }, c.id),
        c.family,
        c.architecture,
        fmt.params(c.params),
        `${c.layers} (${c.attentionLayers})`,
        c.dModel,
        c.dState,
        c.kvHeads,
        k(c.contextLength),
        c.releasedAt,
        c.priceInputPerMTok,
        c.priceOutputPerMTok,
        fmt.bytes(byId.get(c.id)?.points.at(-1)?.memory_bytes),
        h("td", { class: "text" }, c.capabilities?.length ? c.capabilities.join(", ") : "—"),
      ]),
    ),
  );
}
