import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findModelDirs } from "../../src/engine/model-dirs.ts";

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "switchyard-dirs-"));
  for (const name of ["b-model", "a-model"]) {
    mkdirSync(join(root, "lib", name), { recursive: true });
    writeFileSync(join(root, "lib", name, "config.json"), "{}");
  }
  mkdirSync(join(root, "lib", "notes"));
  mkdirSync(join(root, "empty"));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("findModelDirs", () => {
  it("expands a root into its model subdirectories, sorted, skipping others", async () => {
    expect(await findModelDirs(join(root, "lib"))).toEqual([join(root, "lib", "a-model"), join(root, "lib", "b-model")]);
  });

  it("takes model dirs and roots in one comma-separated list", async () => {
    const dirs = await findModelDirs(`${join(root, "lib", "b-model")}, ${join(root, "lib")}`);
    expect(dirs).toEqual([join(root, "lib", "b-model"), join(root, "lib", "a-model"), join(root, "lib", "b-model")]);
  });

  it("fails on a path that does not exist or holds no model", async () => {
    await expect(findModelDirs(join(root, "nope"))).rejects.toThrow(/does not exist/);
    await expect(findModelDirs(join(root, "empty"))).rejects.toThrow(/no config.json/);
    await expect(findModelDirs(" , ")).rejects.toThrow(/no model directories/);
  });
});
