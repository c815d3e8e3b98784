/** The OpenAPI 3.1 document of the edge, generated from OPERATIONS and the zod schemas they name. */
import { z } from "zod";
import { ErrorBodySchema } from "../edge-error.ts";
import { FlagsPatchSchema } from "../../routing/flags.ts";
import { OPERATIONS, type NamedSchema, type Operation } from "./openapi-operations.ts";

type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

/** Hono's `/admin/models/:key` as OpenAPI's `/admin/models/{key}`. */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z_]+)/g, "{$1}");
}

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) of what a client may send, or of what the edge answers. */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): Json {
  // The routing field is checked by the routing core, after the body; document it as the flags it takes.
  const { $schema: _s, ...rest } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
    override: (ctx) => {
      if (ctx.path.at(-1) === "routing" && Object.keys(ctx.jsonSchema).length === 0) Object.assign(ctx.jsonSchema, ref("RoutingFlags"));
    },
  }) as Json;
  return rest;
}

function components(): Json {
  const schemas: Json = {
    RoutingFlags: {
      ...jsonSchema(FlagsPatchSchema, "input"),
      description: "routing flags: λ weights of quality and the penalties, and hard constraints (also sent as the x-switchyard-flags header, `latency=1,max_params=2e9`)",
    },
    Error: jsonSchema(ErrorBodySchema, "output"),
  };
  const add = (s: NamedSchema, io: "input" | "output") => {
    schemas[s.name] ??= jsonSchema(s.schema, io);
  };
  for (const op of OPERATIONS) {
    if (op.body) add(op.body, "input");
    if (op.reply.json) add(op.reply.json, "output");
  }
  return {
    schemas,
    securitySchemes: {
      apiKey: { type: "http", scheme: "bearer", description: "an API key from POST /admin/keys (sk-sy-…)" },
      admin: { type: "http", scheme: "bearer", description: "the ADMIN_TOKEN secret, or a key with the admin scope" },
    },
  };
}

function parameters(op: Operation): Json[] {
  const inPath = [...op.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({
    name: m[1],
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  const inQuery = Object.entries(op.query?.shape ?? {}).map(([name, field]) => ({
    name,
    in: "query",
    required: !(field as z.ZodType).safeParse(undefined).success,
    schema: jsonSchema(field as z.ZodType, "input"),
  }));
  const header = op.flagsHeader
    ? [{ name: "x-switchyard-flags", in: "header", required: false, schema: { type: "string" }, description: "routing flags, `name=value` pairs joined by commas" }]
    : [];
  return [...inPath, ...inQuery, ...header];
}

function operation(op: Operation): Json {
  const { reply } = op;
  const content = reply.json
    ? { "application/json": { schema: ref(reply.json.name) } }
    : Object.fromEntries((reply.media ?? []).map((m) => [m, {}]));
  const errors = { description: "an error, in the OpenAI error shape", content: { "application/json": { schema: ref("Error") } } };
  return {
    operationId: `${op.method}${openApiPath(op.path).replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase())}`,
    summary: op.summary,
    tags: [op.tag],
    security: op.auth === "none" ? [] : [{ [op.auth]: [] }],
    parameters: parameters(op),
    ...(op.body ? { requestBody: { required: true, content: { "application/json": { schema: ref(op.body.name) } } } } : {}),
    responses: { [String(reply.status)]: { description: reply.description, content }, default: errors },
  };
}

// Built once per isolate: the schemas do not change while it runs, and the conversion walks all of them.
let built: { paths: Record<string, Json>; components: Json } | null = null;

/** The whole document; `serverUrl` is the origin the edge was reached at. */
export function openApiDocument(serverUrl: string): Json {
  built ??= { paths: pathsOf(), components: components() };
  return {
    openapi: "3.1.0",
    info: {
      title: "Switchyard edge",
      version: "0.1.0",
      description: "OpenAI-compatible API that routes each prompt to the best model of a library of SSMs, hybrids and Transformers.",
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    servers: [{ url: serverUrl }],
    ...built,
  };
}

function pathsOf(): Record<string, Json> {
  const paths: Record<string, Json> = {};
  for (const op of OPERATIONS) (paths[openApiPath(op.path)] ??= {})[op.method] = operation(op);
  return paths;
}
