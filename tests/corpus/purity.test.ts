// src/corpus's logic stays pure: only src/corpus/io reads files or runs programs, so the rest is tested on
// in-memory data alone.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const CORPUS = resolve(import.meta.dirname, "../../src/corpus");
const pureFiles = readdirSync(CORPUS).filter((name) => name.endsWith(".ts"));

function specifiers(source: string): string[] {
  return [...source.matchAll(/\b(?:import|export)\s[^'"]*?\bfrom\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']/g)].map((m) => m[1] ?? m[2] ?? "");
}

function allowed(file: string, spec: string): boolean {
  if (spec === "zod" || spec === "node:crypto") return true;
  if (!spec.startsWith(".")) return false;
  const target = relative(CORPUS, resolve(dirname(file), spec));
  return !target.startsWith("..") && !target.startsWith("io/");
}

describe("src/corpus purity", () => {
  it("finds the pure modules", () => {
    expect(pureFiles).toEqual(expect.arrayContaining(["document-text.ts", "near-duplicates.ts", "select-documents.ts", "corpus-manifest.ts"]));
  });

  it.each(pureFiles)("%s imports only zod, node:crypto and other pure corpus modules", (name) => {
    const file = join(CORPUS, name);
    const source = readFileSync(file, "utf8");
    expect(specifiers(source).filter((spec) => !allowed(file, spec))).toEqual([]);
    expect(source).not.toMatch(/\b(fetch|process|Deno|require)\b\s*[.(]/);
  });

  it("flags an import of the I/O layer or of node:fs", () => {
    const file = join(CORPUS, "x.ts");
    expect(specifiers('import { walkFiles } from "./io/walk-files.ts";\nimport fs from "node:fs";').filter((s) => !allowed(file, s))).toEqual(["./io/walk-files.ts", "node:fs"]);
  });
});
