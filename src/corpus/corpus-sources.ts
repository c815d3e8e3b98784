/**
 * The sources a corpus is built from, as rules over paths under a root: which files belong, which group each
 * counts against, and how its bytes become text. The roots themselves (a node_modules directory, the python3
 * standard library, /usr/share) are found by the I/O layer; paths here are relative and `/`-separated.
 */
import { decodeText } from "./document-text.ts";
import { roffToText } from "./roff-text.ts";
import type { CorpusDomain } from "./select-documents.ts";

/** The directories sources are read from. */
export type SourceRoot = "nodeModules" | "pythonStdlib" | "man" | "doc" | "commonLicenses";

export interface CorpusSource {
  name: string;
  domain: CorpusDomain;
  root: SourceRoot;
  /** A directory (by name) whose files are none of the source's. */
  skipDir: (name: string) => boolean;
  includes: (path: string) => boolean;
  group: (path: string) => string;
  /** The text of an included file's (decompressed) bytes, or null when they are not text. */
  toText: (bytes: Uint8Array) => string | null;
}

const segments = (path: string) => path.split("/");
const basename = (path: string) => segments(path).at(-1) ?? "";
const withoutGz = (name: string) => name.replace(/\.gz$/, "");
const dotDir = (name: string) => name.startsWith(".");

/** The npm package a path under node_modules belongs to: the last `node_modules/` step, scope included. */
export function npmPackageOf(path: string): string {
  const parts = segments(path);
  const start = parts.lastIndexOf("node_modules") + 1;
  const first = parts[start] ?? "";
  return first.startsWith("@") ? `${first}/${parts[start + 1] ?? ""}` : first;
}

/** The family of a man page: its name up to the first `-`, `_` or `.` (git-commit → git, gcloud_… → gcloud). */
export function manPageFamily(path: string): string {
  return (/^[^-_.]+/.exec(basename(path).toLowerCase())?.[0] ?? "").trim();
}

const CODE_FILE = /\.(?:[cm]?js|jsx|[cm]?ts|tsx)$/;
const LICENCE_FILE = /^(?:licen[cs]e|copying)(?:[-._][\w.-]*)?$/i;
const NOT_LICENCE_TEXT = /\.(?:[cm]?js|[cm]?ts|json|html?|py|sh)$/i;
const DOC_PROSE_NAME = /^(?:readme|news|faq|todo|bugs|install|usage|thanks|history|authors)\b/i;
const DOC_PROSE_EXT = /\.(?:txt|md|markdown|rst)$/i;
const NOT_DOC_PROSE = /^(?:changelog|changes|copyright|licen[cs]e|copying)/i;

const isLicence = (path: string) => {
  const name = withoutGz(basename(path));
  return LICENCE_FILE.test(name) && !NOT_LICENCE_TEXT.test(name);
};

/** Every source, in the order the manifest lists them. */
export const CORPUS_SOURCES: readonly CorpusSource[] = [
  {
    name: "npm-code",
    domain: "code",
    root: "nodeModules",
    skipDir: dotDir,
    includes: (path) => CODE_FILE.test(path) && !/\.min\.[cm]?js$/.test(path),
    group: npmPackageOf,
    toText: decodeText,
  },
  {
    name: "python-stdlib",
    domain: "python",
    root: "pythonStdlib",
    // Installed packages are not the standard library; bytecode caches are not source.
    skipDir: (name) => dotDir(name) || name === "site-packages" || name === "dist-packages" || name === "__pycache__",
    includes: (path) => path.endsWith(".py"),
    group: (path) => (segments(path)[0] ?? "").replace(/\.py$/, ""),
    toText: decodeText,
  },
  {
    name: "man-pages",
    domain: "prose",
    root: "man",
    skipDir: () => false,
    // Sections straight under the root are the English pages; translations sit under a locale directory.
    includes: (path) => /^man[0-9n][^/]*\/[^/]+$/.test(path) && !/\.(?:bz2|xz|zst|lzma|Z)$/.test(path),
    group: manPageFamily,
    toText: (bytes) => {
      const source = decodeText(bytes);
      return source === null ? null : roffToText(source);
    },
  },
  {
    name: "package-docs",
    domain: "prose",
    root: "doc",
    skipDir: dotDir,
    includes: (path) => {
      const name = withoutGz(basename(path));
      return segments(path).length >= 2 && !NOT_DOC_PROSE.test(name) && (DOC_PROSE_NAME.test(name) || DOC_PROSE_EXT.test(name));
    },
    group: (path) => segments(path)[0] ?? "",
    toText: decodeText,
  },
  {
    name: "common-licenses",
    domain: "legal",
    root: "commonLicenses",
    skipDir: () => true,
    includes: () => true,
    group: (path) => path,
    toText: decodeText,
  },
  {
    name: "debian-copyright",
    domain: "legal",
    root: "doc",
    skipDir: dotDir,
    includes: (path) => {
      const parts = segments(path);
      return (parts.length === 2 && parts[1] === "copyright") || isLicence(path);
    },
    group: (path) => segments(path)[0] ?? "",
    toText: decodeText,
  },
  {
    name: "npm-licences",
    domain: "legal",
    root: "nodeModules",
    skipDir: dotDir,
    includes: isLicence,
    group: npmPackageOf,
    toText: decodeText,
  },
];
