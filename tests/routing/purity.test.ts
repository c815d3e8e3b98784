// src/routing must stay pure: it may import zod and its own files, nothing with I/O (DESIGN.md, STYLE.md).
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROUTING = resolve(dirname(fileURLToPath(import.meta.url)), "../../src/routing");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs|cjs)$/.test(entry.name) ? [path] : [];
  });
}

/** Every module specifier a file names: static imports and re-exports, dynamic import(), require(). */
function specifiers(source: string): string[] {
  const patterns = [
    /\b(?:import|export)\s[^'"]*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["'`]?([^"'`)]*)/g,
    /\brequire\s*\(\s*["'`]?([^"'`)]*)/g,
  ];
  return patterns.flatMap((re) => [...source.matchAll(re)].map((m) => m[1] ?? ""));
}

function allowed(file: string, spec: string): boolean {
  if (spec === "zod") return true;
  if (!spec.startsWith(".")) return false;
  const target = relative(ROUTING, resolve(dirname(file), spec));
  return !target.startsWith("..");
}

describe("src/routing purity", () => {
  const files = sourceFiles(ROUTING);

  it("finds the routing sources", () => {
    const names = files.map((f) => relative(ROUTING, f));
    expect(names).toEqual(expect.arrayContaining(["decide.ts", "flags.ts", "index.ts"]));
  });

  it.each(files.map((f) => [relative(ROUTING, f), f]))("%s imports only zod and routing files", (_name, file) => {
    const source = readFileSync(file, "utf8");
    const bad = specifiers(source).filter((spec) => !allowed(file, spec));
    expect(bad).toEqual([]);
    // Globals that do I/O need no import, so look for them by name.
    expect(source).not.toMatch(/\b(fetch|process|Deno|XMLHttpRequest|WebSocket|caches)\b\s*[.(]/);
  });

  it("flags a forbidden import when there is one", () => {
    const file = join(ROUTING, "x.ts");
    const forbidden = (source: string) => specifiers(source).filter((s) => !allowed(file, s));
    expect(forbidden('import { Hono } from "hono";\nimport fs from "node:fs";')).toEqual(["hono", "node:fs"]);
    expect(forbidden('import {\n  drizzle,\n} from "drizzle-orm/d1";')).toEqual(["drizzle-orm/d1"]);
    expect(forbidden('const m = await import("onnxruntime-web");')).toEqual(["onnxruntime-web"]);
    expect(allowed(file, "../edge/app.ts")).toBe(false);
    expect(allowed(file, "./flags.ts")).toBe(true);
  });
});
