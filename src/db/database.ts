import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import * as schema from "./schema.ts";

/** The typed drizzle handle every query function takes. */
export type Database = DrizzleD1Database<typeof schema>;

// One handle per D1 binding: workerd hands every request of an isolate the same binding object, so the
// handle (and the schema mapping drizzle builds for it) is made once per isolate, not once per request.
const handles = new WeakMap<D1Database, Database>();

/** The drizzle handle of a D1 binding, made on first use. */
export function openDatabase(d1: D1Database): Database {
  let handle = handles.get(d1);
  if (!handle) {
    handle = drizzle(d1, { schema });
    handles.set(d1, handle);
  }
  return handle;
}
