import { readFileSync, writeFileSync } from "node:fs";

/**
 * Replaces (or appends) one bench's own section of a shared markdown file, between
 * `<!-- name:start -->` and `<!-- name:end -->`, leaving the rest of the file as it is.
 */
export function writeSection(file: string, name: string, body: string): void {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const section = `${start}\n${body.trimEnd()}\n${end}`;
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {
    text = "# Benchmarks\n";
  }
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  const next = a >= 0 && b > a ? text.slice(0, a) + section + text.slice(b + end.length) : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
}
