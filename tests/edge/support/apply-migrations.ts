import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// The real migrations (drizzle-kit output) on the test D1; applying is idempotent across files.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
