/**
 * Runs before every test file. The files share one workerd isolate and one D1 (vitest `isolate: false`:
 * evaluating the Worker's modules and compiling ORT's wasm once instead of once per file saves minutes), so
 * each file starts here from what a fresh isolate on a fresh database would see: the real migrations applied
 * (drizzle-kit output; idempotent), every table empty, and every per-isolate cache forgotten.
 */
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { invalidateLibrary } from "../../../src/edge/library-cache.ts";
import { invalidateApiKeys } from "../../../src/edge/middleware/api-key-auth.ts";
import { invalidateRouter } from "../../../src/edge/predictor.ts";
import { forgetBreakers } from "../../../src/edge/upstream/breaker-board.ts";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
const tables = await env.DB.prepare(
  "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'",
).all<{ name: string }>();
// One batch is one transaction: with foreign keys checked at commit, the order of the deletes does not matter.
await env.DB.batch([
  env.DB.prepare("PRAGMA defer_foreign_keys = on"),
  ...tables.results.map((t) => env.DB.prepare(`DELETE FROM "${t.name}"`)),
]);
invalidateLibrary();
invalidateApiKeys();
invalidateRouter();
forgetBreakers();
