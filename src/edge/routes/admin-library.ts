/**
 * Admin CRUD for the library: /admin/upstreams, /admin/models, /admin/policies. Each has
 * GET (list), GET /:id, PUT /:id (create or replace; the body may omit the id) and DELETE /:id.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { openDatabase, type Database } from "../../db/database.ts";
import {
  deleteModel,
  deletePolicy,
  deleteUpstream,
  loadLibrary,
  modelsOfUpstream,
  upsertModel,
  upsertPolicy,
  upsertUpstream,
} from "../../db/queries-library.ts";
import { LibraryModelSchema, PolicySchema, UpstreamSchema, type Library } from "../../db/records.ts";
import type { AppEnv } from "../app-env.ts";
import { EdgeError } from "../edge-error.ts";
import { invalidateLibrary } from "../library-cache.ts";
import { parseJsonBody } from "../request-body.ts";

interface Resource<S extends z.ZodType> {
  /** the record's key field: "id" or "name" */
  key: "id" | "name";
  schema: S;
  list: (lib: Library) => z.infer<S>[];
  /** checks that depend on other records (e.g. a model's upstream must exist) */
  check?: (record: z.infer<S>, lib: Library) => void;
  upsert: (db: Database, record: z.infer<S>, now: number) => Promise<unknown>;
  remove: (db: Database, key: string) => Promise<boolean>;
}

/** Mounts one library resource's CRUD routes on `app` at `/${path}`. */
function mountResource<S extends z.ZodType>(app: Hono<AppEnv>, path: string, r: Resource<S>): void {
  const find = (lib: Library, key: string) => r.list(lib).find((x) => (x as Record<string, unknown>)[r.key] === key);
  const notFound = (key: string) => new EdgeError("not_found", `no ${path.slice(0, -1)} "${key}"`);

  app.get(`/${path}`, async (c) => c.json({ object: "list", data: r.list(await loadLibrary(db(c))) }));
  app.get(`/${path}/:key`, async (c) => {
    const record = find(await loadLibrary(db(c)), c.req.param("key"));
    if (record === undefined) throw notFound(c.req.param("key"));
    return c.json(record);
  });
  app.put(`/${path}/:key`, async (c) => {
    const key = c.req.param("key");
    const raw = await parseJsonBody(c, z.record(z.string(), z.unknown()));
    if (raw[r.key] !== undefined && raw[r.key] !== key) {
      throw new EdgeError("invalid_request", `body ${r.key} "${String(raw[r.key])}" differs from the path's "${key}"`, r.key);
    }
    const record = r.schema.parse({ ...raw, [r.key]: key });
    const database = db(c);
    r.check?.(record, await loadLibrary(database));
    await r.upsert(database, record, Date.now());
    invalidateLibrary();
    return c.json(record);
  });
  app.delete(`/${path}/:key`, async (c) => {
    const key = c.req.param("key");
    if (!(await r.remove(db(c), key))) throw notFound(key);
    invalidateLibrary();
    return c.json({ [r.key]: key, object: path.slice(0, -1), deleted: true });
  });
}

/** The library admin routes, mounted under /admin. */
export function adminLibraryRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  mountResource(app, "upstreams", {
    key: "id",
    schema: UpstreamSchema,
    list: (lib) => [...lib.upstreams.values()],
    upsert: (d, u, now) => upsertUpstream(d, u, now),
    remove: async (d, id) => {
      const users = await modelsOfUpstream(d, id);
      if (users.length > 0) {
        throw new EdgeError("conflict", `upstream "${id}" still serves ${users.join(", ")}: delete or move them first`);
      }
      return deleteUpstream(d, id);
    },
  });
  mountResource(app, "models", {
    key: "id",
    schema: LibraryModelSchema,
    list: (lib) => lib.models,
    check: (m, lib) => {
      if (!lib.upstreams.has(m.upstream)) {
        throw new EdgeError("invalid_request", `unknown upstream "${m.upstream}" (create it under /admin/upstreams)`, "upstream");
      }
    },
    upsert: (d, m, now) => upsertModel(d, m, now),
    remove: deleteModel,
  });
  mountResource(app, "policies", {
    key: "name",
    schema: PolicySchema,
    list: (lib) => [...lib.policies.values()],
    upsert: (d, p, now) => upsertPolicy(d, p, now),
    remove: deletePolicy,
  });
  return app;
}

function db(c: Context<AppEnv>): Database {
  return openDatabase(c.env.DB);
}
