import { readdir } from "node:fs/promises";
import { join } from "node:path";

/**
 * Every regular file under `root`, as `/`-separated paths relative to it, in code-unit order of the names (not
 * the file system's order). Symbolic links are not followed: they only repeat files found elsewhere, and
 * following them could loop. Directories `skipDir` names are not entered.
 */
export async function walkFiles(root: string, skipDir: (name: string) => boolean): Promise<string[]> {
  const found: string[] = [];
  async function visit(dir: string, prefix: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!skipDir(entry.name)) await visit(join(dir, entry.name), path);
      } else if (entry.isFile()) found.push(path);
    }
  }
  await visit(root, "");
  return found;
}
