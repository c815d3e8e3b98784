import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.ts";

describe("openDatabase", () => {
  it("makes one drizzle handle per D1 binding, not one per call", () => {
    expect(openDatabase(env.DB)).toBe(openDatabase({ ...env }.DB));
  });
});
