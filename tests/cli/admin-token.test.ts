import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { adminToken } from "../../src/cli/admin-token.ts";

const usage = "usage: switchyard thing --admin-token <tok>";
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "switchyard-admin-token-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

function devVars(text: string): string {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.dev.vars`);
  writeFileSync(path, text);
  return path;
}

describe("adminToken", () => {
  it("takes the flag first, then $ADMIN_TOKEN, then .dev.vars", async () => {
    const vars = devVars('OTHER=1\nADMIN_TOKEN="from-file"\n');
    vi.stubEnv("ADMIN_TOKEN", "from-env");
    expect(await adminToken("from-flag", usage, vars)).toBe("from-flag");
    expect(await adminToken(undefined, usage, vars)).toBe("from-env");
    vi.stubEnv("ADMIN_TOKEN", "");
    expect(await adminToken(undefined, usage, vars)).toBe("from-file");
  });

  it("fails with the usage when none of them has one", async () => {
    vi.stubEnv("ADMIN_TOKEN", "");
    for (const vars of [devVars("OTHER=1\n"), join(dir, "missing.dev.vars")]) {
      await expect(adminToken(undefined, usage, vars)).rejects.toThrow(`no admin token: pass --admin-token or set ADMIN_TOKEN\n${usage}`);
    }
  });
});
