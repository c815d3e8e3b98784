/**
 * The corpus build's I/O: finds each source's root on this machine, lists and reads its files, and writes what
 * the pure modules make of them. A root the machine lacks is recorded as not found and gives no documents.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { z } from "zod";
import { CORPUS_SOURCES, type SourceRoot } from "../corpus-sources.ts";
import { corpusFiles, type CorpusManifest, MANIFEST_FILE, type SourceFound } from "../corpus-manifest.ts";
import { type Candidate, selectDocuments, type SelectionLimits } from "../select-documents.ts";
import { walkFiles } from "./walk-files.ts";

/** Where each source root is on this machine; null where it has none. */
export type CorpusRoots = Record<SourceRoot, string | null>;

const run = promisify(execFile);
const stdlibPathSchema = z.string().trim().startsWith("/");

/** The python3 standard library's directory, as python3 reports it; null when there is no python3. */
export async function locatePythonStdlib(): Promise<string | null> {
  try {
    const { stdout } = await run("python3", ["-c", 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], { timeout: 30_000 });
    return stdlibPathSchema.parse(stdout);
  } catch {
    return null;
  }
}

/** The roots under a node_modules directory, a /usr/share directory and a python3 standard library. */
export function corpusRoots(nodeModules: string, usrShare: string, pythonStdlib: string | null): CorpusRoots {
  return {
    nodeModules: resolve(nodeModules),
    pythonStdlib: pythonStdlib === null ? null : resolve(pythonStdlib),
    man: resolve(usrShare, "man"),
    doc: resolve(usrShare, "doc"),
    commonLicenses: resolve(usrShare, "common-licenses"),
  };
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function readBytes(path: string): Uint8Array | null {
  const bytes = readFileSync(path);
  if (!path.endsWith(".gz")) return bytes;
  try {
    return gunzipSync(bytes);
  } catch {
    return null; // named .gz but not gzip: not a document
  }
}

/** Every source's candidates, and what was found for each. */
async function findCandidates(roots: CorpusRoots): Promise<{ candidates: Candidate[]; sources: SourceFound[] }> {
  const candidates: Candidate[] = [];
  const sources: SourceFound[] = [];
  for (const source of CORPUS_SOURCES) {
    const root = roots[source.root];
    if (root === null || !(await isDirectory(root))) {
      sources.push({ name: source.name, domain: source.domain, root: null, candidates: 0 });
      continue;
    }
    const paths = (await walkFiles(root, source.skipDir)).filter(source.includes);
    for (const path of paths) {
      candidates.push({
        id: `${source.name}:${path}`,
        domain: source.domain,
        source: source.name,
        group: source.group(path),
        load: () => {
          const bytes = readBytes(join(root, path));
          return bytes === null ? null : source.toText(bytes);
        },
      });
    }
    sources.push({ name: source.name, domain: source.domain, root, candidates: paths.length });
  }
  return { candidates, sources };
}

/**
 * Builds the corpus into `outDir`: written beside it first and then swapped in, so a reader sees the old corpus
 * or the new one, never a mix.
 * @throws when `outDir` exists and is neither empty nor a corpus (it holds no manifest.json)
 */
export async function buildCorpus(outDir: string, roots: CorpusRoots, limits: SelectionLimits): Promise<CorpusManifest> {
  const out = resolve(outDir);
  if (await isDirectory(out)) {
    const entries = await readdir(out);
    if (entries.length > 0 && !entries.includes(MANIFEST_FILE)) throw new Error(`${out} is not a corpus directory (no ${MANIFEST_FILE}); not replacing it`);
  }
  const { candidates, sources } = await findCandidates(roots);
  const { files, manifest } = corpusFiles(selectDocuments(candidates, limits), limits, sources);
  const staging = `${out}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  try {
    for (const file of files) {
      const path = join(staging, file.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file.content);
    }
    await rm(out, { recursive: true, force: true });
    await rename(staging, out);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
  return manifest;
}
