/**
 * Every operation the edge answers, as data: the schemas are the zod schemas the handlers parse and build
 * with, so the OpenAPI document (openapi-document.ts) cannot drift from what the code accepts.
 */
import type { z } from "zod";
import { LibraryModelSchema, PolicySchema, UpstreamSchema } from "../../db/records.ts";
import { KeyLimitsSchema } from "../../routing/rate-allowance.ts";
import { ChatRequestSchema, CompletionRequestSchema, RouteRequestSchema } from "../openai-request.ts";
import { NewKeySchema } from "../routes/admin-keys.ts";
import { UsageQuerySchema } from "../routes/admin-usage.ts";
import { CostCurvesQuerySchema, CostCurvesReplySchema } from "../routes/cost-curves.ts";
import { DecisionDetailSchema, DecisionListQuerySchema, DecisionListSchema } from "../routes/decisions.ts";
import { UsageReportSchema } from "../usage/usage-report.ts";
import { ExportQuerySchema } from "../routes/admin-outcomes.ts";
import { PublishRouterSchema } from "../routes/admin-routers.ts";
import { FeedbackSchema } from "../routes/feedback.ts";
import { ModelListSchema } from "../routes/models.ts";
import { RouteReplySchema } from "../routes/route.ts";

export type Method = "get" | "post" | "put" | "delete";
export type Auth = "none" | "apiKey" | "admin";

/** A schema the document names under components/schemas. */
export interface NamedSchema {
  name: string;
  schema: z.ZodType;
}

/** One answer of an operation: a named schema in JSON, or another media type described in words. */
export interface Reply {
  status: number;
  description: string;
  json?: NamedSchema;
  /** a media type other than JSON (ndjson, SSE, HTML), with no schema */
  media?: string[];
}

export interface Operation {
  method: Method;
  /** Hono's path syntax: /admin/models/:key */
  path: string;
  summary: string;
  tag: string;
  auth: Auth;
  body?: NamedSchema;
  query?: z.ZodObject;
  /** the x-switchyard-flags header applies */
  flagsHeader?: boolean;
  reply: Reply;
}

const named = (name: string, schema: z.ZodType): NamedSchema => ({ name, schema });

const Chat = named("ChatCompletionRequest", ChatRequestSchema);
const Completion = named("CompletionRequest", CompletionRequestSchema);
const Route = named("RouteRequest", RouteRequestSchema);
const Feedback = named("FeedbackRequest", FeedbackSchema);
const Upstream = named("Upstream", UpstreamSchema);
const Model = named("LibraryModel", LibraryModelSchema);
const Policy = named("Policy", PolicySchema);
const NewKey = named("NewApiKey", NewKeySchema);
const Limits = named("KeyLimits", KeyLimitsSchema);
const PublishRouter = named("PublishRouter", PublishRouterSchema);

const generated = (what: string): Reply => ({
  status: 200,
  description: `the upstream's OpenAI ${what} (JSON), or with stream: true its server-sent events ending in [DONE]; the served model and decision id are in the x-switchyard-model and x-switchyard-decision headers`,
  media: ["application/json", "text/event-stream"],
});
const object = (description: string): Reply => ({ status: 200, description, media: ["application/json"] });

/** The library's three resources share one CRUD shape (routes/admin-library.ts). */
function crud(path: string, key: string, record: NamedSchema, what: string): Operation[] {
  const one = `/admin/${path}/:${key}`;
  const tag = "library";
  const auth = "admin";
  return [
    { method: "get", path: `/admin/${path}`, summary: `List ${path}`, tag, auth, reply: object(`{ object: "list", data: ${record.name}[] }`) },
    { method: "get", path: one, summary: `Get one ${what}`, tag, auth, reply: { status: 200, description: `the ${what}`, json: record } },
    { method: "put", path: one, summary: `Create or replace a ${what}`, tag, auth, body: record, reply: { status: 200, description: `the stored ${what}`, json: record } },
    { method: "delete", path: one, summary: `Delete a ${what}`, tag, auth, reply: object(`{ ${key}, object, deleted: true }`) },
  ];
}

export const OPERATIONS: readonly Operation[] = [
  { method: "get", path: "/healthz", summary: "Liveness", tag: "meta", auth: "none", reply: object("{ ok: true }") },
  { method: "get", path: "/openapi.json", summary: "This document", tag: "meta", auth: "none", reply: object("the OpenAPI 3.1 document") },
  {
    method: "post",
    path: "/v1/chat/completions",
    summary: "Chat completion, routed to the best library model (model: auto, auto:<policy>, or a model id)",
    tag: "inference",
    auth: "apiKey",
    body: Chat,
    flagsHeader: true,
    reply: generated("chat.completion"),
  },
  {
    method: "post",
    path: "/v1/completions",
    summary: "Text completion, routed like a chat",
    tag: "inference",
    auth: "apiKey",
    body: Completion,
    flagsHeader: true,
    reply: generated("text_completion"),
  },
  {
    method: "post",
    path: "/v1/route",
    summary: "The routing decision alone: ranked candidates with every term, exclusions, the Pareto front and reasons",
    tag: "routing",
    auth: "apiKey",
    body: Route,
    flagsHeader: true,
    reply: { status: 200, description: "the decision", json: named("RouteReply", RouteReplySchema) },
  },
  {
    method: "get",
    path: "/v1/models",
    summary: "The routers and every servable model with its architecture card",
    tag: "routing",
    auth: "apiKey",
    reply: { status: 200, description: "the OpenAI model list", json: named("ModelList", ModelListSchema) },
  },
  {
    method: "post",
    path: "/v1/feedback",
    summary: "A score (0..1) or loss for the model that answered a decision; trains the router",
    tag: "routing",
    auth: "apiKey",
    body: Feedback,
    reply: { status: 201, description: "the stored outcome", media: ["application/json"] },
  },
  {
    method: "get",
    path: "/v1/decisions",
    summary: "This key's latest decisions, newest first",
    tag: "routing",
    auth: "apiKey",
    query: DecisionListQuerySchema,
    reply: { status: 200, description: "a page of decisions", json: named("DecisionList", DecisionListSchema) },
  },
  {
    method: "get",
    path: "/v1/decisions/:id",
    summary: "One decision of this key: candidates with every term, fallbacks, status, tokens, latency and the outcomes fed back",
    tag: "routing",
    auth: "apiKey",
    reply: { status: 200, description: "the decision", json: named("DecisionDetail", DecisionDetailSchema) },
  },
  {
    method: "get",
    path: "/v1/cost-curves",
    summary: "Each servable model's estimated latency, memory and cost over prompt length, 1k to 128k tokens",
    tag: "routing",
    auth: "apiKey",
    query: CostCurvesQuerySchema,
    reply: { status: 200, description: "one curve per model", json: named("CostCurves", CostCurvesReplySchema) },
  },
  ...crud("upstreams", "key", Upstream, "upstream"),
  ...crud("models", "key", Model, "model"),
  ...crud("policies", "key", Policy, "policy"),
  { method: "get", path: "/admin/keys", summary: "List API keys (never the keys themselves)", tag: "keys", auth: "admin", reply: object("{ object: \"list\", data }") },
  { method: "get", path: "/admin/keys/:id", summary: "Get one API key", tag: "keys", auth: "admin", reply: object("the key's record") },
  {
    method: "post",
    path: "/admin/keys",
    summary: "Create an API key; the answer is the only time the key is shown",
    tag: "keys",
    auth: "admin",
    body: NewKey,
    reply: { status: 201, description: "the key's record and the key", media: ["application/json"] },
  },
  { method: "put", path: "/admin/keys/:id/limits", summary: "Set a key's rate limits whole", tag: "keys", auth: "admin", body: Limits, reply: object("the key's record") },
  { method: "delete", path: "/admin/keys/:id", summary: "Revoke a key", tag: "keys", auth: "admin", reply: object("the revoked key's record") },
  { method: "get", path: "/admin/routers", summary: "List published routers", tag: "routers", auth: "admin", reply: object("{ object: \"list\", data }") },
  { method: "get", path: "/admin/routers/:version", summary: "Get one router version", tag: "routers", auth: "admin", reply: object("the router version") },
  {
    method: "put",
    path: "/admin/routers/:version",
    summary: "Publish a router (ONNX, base64) as `switchyard router publish` does",
    tag: "routers",
    auth: "admin",
    body: PublishRouter,
    reply: { status: 201, description: "the router version (200 when it replaced one)", media: ["application/json"] },
  },
  { method: "post", path: "/admin/routers/:version/activate", summary: "Make a router version the active one", tag: "routers", auth: "admin", reply: object("the router version") },
  { method: "delete", path: "/admin/routers/:version", summary: "Delete an inactive router version", tag: "routers", auth: "admin", reply: object("{ version, deleted: true }") },
  {
    method: "get",
    path: "/admin/outcomes/export",
    summary: "Outcome records for training the router (needs STORE_PROMPTS=true); pages follow x-switchyard-next-cursor",
    tag: "outcomes",
    auth: "admin",
    query: ExportQuerySchema,
    reply: { status: 200, description: "one outcome record per line", media: ["application/x-ndjson"] },
  },
  {
    method: "get",
    path: "/admin/usage",
    summary: "Tokens, estimated cost and requests per key, model and day, and the savings against a baseline model",
    tag: "usage",
    auth: "admin",
    query: UsageQuerySchema,
    reply: { status: 200, description: "the usage report", json: named("UsageReport", UsageReportSchema) },
  },
];
