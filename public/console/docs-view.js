// The API docs page: renders /openapi.json (generated from the edge's zod schemas) by tag and operation.
import { fill, h, table } from "./dom.js";

const pretty = (v) => h("pre", {}, JSON.stringify(v, null, 2));

function schemaOf(doc, ref) {
  return doc.components.schemas[ref.replace("#/components/schemas/", "")];
}

function operation(doc, method, path, op) {
  const body = op.requestBody?.content["application/json"]?.schema;
  const [status, reply] = Object.entries(op.responses).find(([k]) => k !== "default");
  const replySchema = reply.content?.["application/json"]?.schema;
  const auth = op.security.length === 0 ? "no auth" : `bearer: ${Object.keys(op.security[0]).join(", ")}`;
  return h(
    "section",
    { class: "operation", id: op.operationId },
    h("h2", {}, h("code", {}, `${method.toUpperCase()} ${path}`)),
    h("p", {}, op.summary, h("span", { class: "muted" }, ` · ${auth}`)),
    op.parameters.length ? table(["parameter", "in", "required", "schema"], op.parameters.map((p) => [p.name, p.in, p.required ? "yes" : "no", h("td", { class: "text" }, JSON.stringify(p.schema))])) : null,
    body ? h("details", {}, h("summary", {}, `request body: ${body.$ref.split("/").pop()}`), pretty(schemaOf(doc, body.$ref))) : null,
    h("p", {}, `${status}: ${reply.description}`, h("span", { class: "muted" }, ` (${Object.keys(reply.content ?? {}).join(", ")})`)),
    replySchema ? h("details", {}, h("summary", {}, `reply: ${replySchema.$ref.split("/").pop()}`), pretty(schemaOf(doc, replySchema.$ref))) : null,
  );
}

try {
  const doc = await (await fetch("/openapi.json")).json();
  const ops = Object.entries(doc.paths).flatMap(([path, byMethod]) => Object.entries(byMethod).map(([method, op]) => ({ path, method, op })));
  const tags = [...new Set(ops.map((o) => o.op.tags[0]))];
  fill(document.getElementById("docs"), 
    h("p", {}, doc.info.description, " ", h("span", { class: "muted" }, `OpenAPI ${doc.openapi}, ${ops.length} operations.`)),
    ...tags.flatMap((t) => [h("h2", {}, t), ...ops.filter((o) => o.op.tags[0] === t).map((o) => operation(doc, o.method, o.path, o.op))]),
  );
} catch (err) {
  document.getElementById("status").textContent = `could not load /openapi.json: ${err.message}`;
}
