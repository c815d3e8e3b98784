/**
 * Admin API for the learned routers (router_versions), what `switchyard router publish --edge` talks to:
 *   GET /admin/routers                      list, newest first, without the ONNX blobs
 *   GET /admin/routers/:version             one version, without its blob
 *   PUT /admin/routers/:version             store (create or replace) after running the graph once;
 *                                           `active: true` makes it the only active one
 *   POST /admin/routers/:version/activate   make it the only active one
 *   DELETE /admin/routers/:version          delete; the active version is refused with 409 (activate another first)
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { openDatabase, type Database } from "../../db/database.ts";
import { activateRouter, deleteInactiveRouter, getRouter, listRouters, upsertRouter } from "../../db/queries-routers.ts";
import type { AppEnv } from "../app-env.ts";
import { EdgeError } from "../edge-error.ts";
import { checkedPredictor, invalidateRouter } from "../predictor.ts";
import { parseJsonBody } from "../request-body.ts";

/** Largest ONNX graph accepted: it is loaded into every isolate that routes, and D1 rows stop at 2 MB. */
export const MAX_ROUTER_BYTES = 1_500_000;

const VersionSchema = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "a version is 1-64 of A-Z a-z 0-9 . _ -");

/** PUT /admin/routers/:version body, as `switchyard router publish` sends it. */
export const PublishRouterSchema = z
  .object({
    model_ids: z
      .array(z.string().min(1))
      .min(1)
      .refine((ids) => new Set(ids).size === ids.length, "model_ids must not repeat an id"),
    metrics: z.record(z.string(), z.unknown()).default({}),
    created_at: z.number().int().nonnegative().optional(),
    onnx_base64: z.string().min(1).regex(/^[A-Za-z0-9+/]+={0,2}$/, "onnx_base64 must be standard base64"),
    active: z.boolean().default(false),
  })
  .strict();

/** The router admin routes, mounted under /admin. */
export function adminRouterRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/routers", async (c) => c.json({ object: "list", data: await listRouters(db(c)) }));
  app.get("/routers/:version", async (c) => c.json(await found(db(c), c.req.param("version"))));
  app.put("/routers/:version", async (c) => {
    const version = VersionSchema.parse(c.req.param("version"));
    const body = await parseJsonBody(c, PublishRouterSchema);
    const onnx = decodeGraph(body.onnx_base64);
    // Run it once here, so a graph that cannot serve is refused at publish time, not found out per isolate.
    const checked = await checkedPredictor({ version, modelIds: body.model_ids, onnx }).catch((err: unknown) => {
      throw new EdgeError("invalid_request", `the ONNX graph does not run as a router for model_ids: ${err instanceof Error ? err.message : String(err)}`, "onnx_base64");
    });
    await checked.release();
    const database = db(c);
    const existed = (await getRouter(database, version)) !== null;
    await upsertRouter(database, {
      version,
      createdAt: body.created_at ?? Date.now(),
      modelIds: body.model_ids,
      metrics: body.metrics,
      onnx,
      active: body.active,
    });
    invalidateRouter();
    return c.json(await found(database, version), existed ? 200 : 201);
  });
  app.post("/routers/:version/activate", async (c) => {
    const version = c.req.param("version");
    const database = db(c);
    if (!(await activateRouter(database, version))) throw notFound(version);
    invalidateRouter();
    return c.json(await found(database, version));
  });
  app.delete("/routers/:version", async (c) => {
    const version = c.req.param("version");
    const database = db(c);
    const router = await found(database, version);
    if (router.active) {
      throw new EdgeError("conflict", `router "${version}" is the active one: activate another version before deleting it`);
    }
    if (!(await deleteInactiveRouter(database, version))) throw notFound(version);
    invalidateRouter();
    return c.json({ version, object: "router", deleted: true });
  });
  return app;
}

function decodeGraph(base64: string): Uint8Array {
  // 4 base64 characters carry 3 bytes: refuse before decoding a runaway upload.
  const bytes = Math.floor((base64.length * 3) / 4) - (base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0);
  if (bytes > MAX_ROUTER_BYTES) {
    throw new EdgeError("payload_too_large", `the ONNX graph is ${bytes} bytes; at most ${MAX_ROUTER_BYTES} are accepted`, "onnx_base64");
  }
  let binary: string;
  try {
    binary = atob(base64);
  } catch {
    throw new EdgeError("invalid_request", "onnx_base64 is not valid base64", "onnx_base64");
  }
  // An indexed loop: Uint8Array.from(binary, fn) iterates the string, ~38 MB of garbage per MB of graph.
  const graph = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) graph[i] = binary.charCodeAt(i);
  return graph;
}

async function found(database: Database, version: string) {
  const router = await getRouter(database, version);
  if (!router) throw notFound(version);
  return router;
}

function notFound(version: string): EdgeError {
  return new EdgeError("not_found", `no router version "${version}"`);
}

function db(c: Context<AppEnv>): Database {
  return openDatabase(c.env.DB);
}
