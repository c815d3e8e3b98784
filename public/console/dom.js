// Builds DOM nodes from plain values (text nodes, never innerHTML), so model ids and prompts cannot inject markup.
const SVG_NS = "http://www.w3.org/2000/svg";

function build(node, attrs, children) {
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c instanceof Node ? c : String(c));
  return node;
}

/** h("td", { class: "text" }, "bench-llama") */
export const h = (tag, attrs, ...children) => build(document.createElement(tag), attrs, children);
/** s("circle", { cx: 1, cy: 2, r: 3 }) */
export const s = (tag, attrs, ...children) => build(document.createElementNS(SVG_NS, tag), attrs, children);

/** Replaces `el`'s children, skipping the null and false left by optional parts. */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

/** A table from column headers and rows of cells; `rowAttrs(i)` adds attributes per row. */
export function table(headers, rows, rowAttrs = () => ({})) {
  return h(
    "table",
    {},
    h("thead", {}, h("tr", {}, headers.map((x) => h("th", {}, x)))),
    h("tbody", {}, rows.map((cells, i) => h("tr", rowAttrs(i), cells.map((c) => (c instanceof Node && c.nodeName === "TD" ? c : h("td", {}, c)))))),
  );
}

export const fmt = {
  num: (x, digits = 3) => (x === null || x === undefined ? "—" : Number(x).toPrecision(digits)),
  ms: (x) => (x === null || x === undefined ? "—" : x < 10 ? `${x.toFixed(2)} ms` : x < 1000 ? `${x.toFixed(0)} ms` : `${(x / 1000).toFixed(1)} s`),
  usd: (x) => (x === null || x === undefined ? "—" : x === 0 ? "$0" : x < 0.01 ? `$${x.toExponential(2)}` : `$${x.toFixed(4)}`),
  bytes: (x) => {
    if (x === null || x === undefined) return "—";
    const units = ["B", "KB", "MB", "GB", "TB"];
    let i = 0;
    while (x >= 1000 && i < units.length - 1) { x /= 1000; i++; }
    return `${x.toFixed(x < 10 ? 1 : 0)} ${units[i]}`;
  },
  params: (x) => (x >= 1e9 ? `${(x / 1e9).toFixed(1)}B` : `${(x / 1e6).toFixed(0)}M`),
  time: (ms) => new Date(ms).toLocaleString(),
};
