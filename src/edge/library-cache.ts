import type { Context } from "hono";
import { openDatabase } from "../db/database.ts";
import { loadLibrary } from "../db/queries-library.ts";
import type { Library } from "../db/records.ts";
import type { AppEnv } from "./app-env.ts";
import { IsolateCache } from "./isolate-cache.ts";

// Library changes reach other isolates within a few seconds; admin writes clear this isolate's copy at once.
const cache = new IsolateCache<Library>(5_000, 60_000);

/** The library (models, upstreams, policies), cached per isolate. */
export async function getLibrary(c: Context<AppEnv>): Promise<Library> {
  const library = await cache.get("library", () => loadLibrary(openDatabase(c.env.DB)), (p) =>
    c.executionCtx.waitUntil(p),
  );
  if (!library) throw new Error("library failed to load");
  return library;
}

/** Forgets the cached library (after an admin write). */
export function invalidateLibrary(): void {
  cache.clear();
}
