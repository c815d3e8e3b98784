import { describe, expect, it } from "vitest";
import { createApp } from "../../src/edge/app.ts";
import { openApiPath } from "../../src/edge/openapi/openapi-document.ts";
import { call } from "./support/edge-call.ts";

interface Doc {
  openapi: string;
  paths: Record<string, Record<string, { security: unknown[]; requestBody?: unknown; parameters: { name: string; in: string }[] }>>;
  components: { schemas: Record<string, { required?: string[]; properties?: Record<string, unknown> }> };
}

async function fetchDoc(): Promise<Doc> {
  const reply = await call("/openapi.json");
  expect(reply.status).toBe(200);
  return reply.json<Doc>();
}

/** Every `$ref` anywhere in `value`. */
function refs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refs);
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => (k === "$ref" && typeof v === "string" ? [v] : refs(v)));
}

describe("GET /openapi.json", () => {
  it("is an OpenAPI 3.1 document served without a key", async () => {
    const doc = await fetchDoc();
    expect(doc.openapi).toBe("3.1.0");
  });

  it("documents every route the app answers, and no route it does not", async () => {
    const doc = await fetchDoc();
    const routes = new Set(
      createApp()
        .routes.filter((r) => r.method !== "ALL")
        .map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`),
    );
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)));
    expect([...routes].filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((d) => !routes.has(d))).toEqual([]);
  });

  it("resolves every $ref to a component", async () => {
    const doc = await fetchDoc();
    const missing = refs(doc).filter((r) => !(r.replace("#/components/schemas/", "") in doc.components.schemas));
    expect(refs(doc).length).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });

  it("takes its request schemas from the zod schemas the handlers parse with", async () => {
    const { components, paths } = await fetchDoc();
    expect(components.schemas.ChatCompletionRequest?.required).toEqual(expect.arrayContaining(["model", "messages"]));
    expect(Object.keys(components.schemas.RouteReply?.properties ?? {})).toEqual(expect.arrayContaining(["decision", "router_version"]));
    expect(components.schemas.RoutingFlags?.properties).toHaveProperty("max_params");
    expect(components.schemas.ChatCompletionRequest?.properties?.routing).toEqual({ $ref: "#/components/schemas/RoutingFlags" });
    expect(paths["/admin/models/{key}"]?.put?.security).toEqual([{ admin: [] }]);
    expect(paths["/v1/route"]?.post?.parameters.map((p) => p.name)).toContain("x-switchyard-flags");
    expect(paths["/admin/outcomes/export"]?.get?.parameters.filter((p) => p.in === "query").map((p) => p.name)).toEqual(["since", "limit", "source", "cursor"]);
  });
});
