import { defineConfig } from "drizzle-kit";

// Generates SQL migrations for D1 from src/db/schema.ts into migrations/ (wrangler's migrations_dir).
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./migrations",
});
