import { describe, expect, it } from "vitest";
import { CORPUS_SOURCES, manPageFamily, npmPackageOf } from "../../src/corpus/corpus-sources.ts";

const source = (name: string) => {
  const s = CORPUS_SOURCES.find((x) => x.name === name);
  if (!s) throw new Error(`no source ${name}`);
  return s;
};
const included = (name: string, paths: string[]) => paths.filter(source(name).includes);

describe("npmPackageOf", () => {
  it("names the package of the innermost node_modules, scope included", () => {
    expect(npmPackageOf("hono/dist/index.js")).toBe("hono");
    expect(npmPackageOf("@cloudflare/workers-types/index.d.ts")).toBe("@cloudflare/workers-types");
    expect(npmPackageOf("protobufjs/cli/node_modules/@scope/inner/lib/a.js")).toBe("@scope/inner");
  });
});

describe("manPageFamily", () => {
  it("groups a command's pages under its first word", () => {
    expect(manPageFamily("man1/git-commit.1.gz")).toBe("git");
    expect(manPageFamily("man1/gcloud_compute_instances_create.1.gz")).toBe("gcloud");
    expect(manPageFamily("man5/systemd.unit.5.gz")).toBe("systemd");
    expect(manPageFamily("man1/ls.1.gz")).toBe("ls");
  });
});

describe("CORPUS_SOURCES", () => {
  it("has unique names", () => {
    const names = CORPUS_SOURCES.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("takes JavaScript and TypeScript sources from node_modules, not minified ones", () => {
    expect(included("npm-code", ["a/index.js", "a/x.mjs", "a/x.cjs", "a/x.ts", "a/x.d.ts", "a/x.tsx", "a/x.min.js", "a/package.json", "a/README.md"])).toEqual([
      "a/index.js",
      "a/x.mjs",
      "a/x.cjs",
      "a/x.ts",
      "a/x.d.ts",
      "a/x.tsx",
    ]);
  });

  it("takes licence files from node_modules, not code or data named after them", () => {
    expect(included("npm-licences", ["a/LICENSE", "a/LICENSE.md", "a/licence.txt", "a/COPYING", "a/LICENSE-MIT", "a/license.js", "a/license.json", "a/index.js"])).toEqual([
      "a/LICENSE",
      "a/LICENSE.md",
      "a/licence.txt",
      "a/COPYING",
      "a/LICENSE-MIT",
    ]);
  });

  it("takes .py files from the standard library and skips installed packages and caches", () => {
    const python = source("python-stdlib");
    expect(included("python-stdlib", ["json/decoder.py", "os.py", "json/x.pyc", "LICENSE.txt"])).toEqual(["json/decoder.py", "os.py"]);
    expect(["site-packages", "dist-packages", "__pycache__", ".git"].filter(python.skipDir)).toHaveLength(4);
    expect(python.group("json/decoder.py")).toBe("json");
    expect(python.group("os.py")).toBe("os");
  });

  it("takes the English man pages straight under a section directory", () => {
    expect(included("man-pages", ["man1/ls.1.gz", "man8/ip.8", "man3/x.3.bz2", "de/man1/ls.1.gz", "man1/sub/x.1", "mandb"])).toEqual(["man1/ls.1.gz", "man8/ip.8"]);
  });

  it("takes package documentation prose, not changelogs or copyright files", () => {
    expect(
      included("package-docs", ["git/README.md", "git/NEWS.gz", "git/howto/guide.txt.gz", "git/changelog.Debian.gz", "git/copyright", "git/index.html", "README"]),
    ).toEqual(["git/README.md", "git/NEWS.gz", "git/howto/guide.txt.gz"]);
  });

  it("takes Debian copyright files and licences under /usr/share/doc as legal text", () => {
    expect(included("debian-copyright", ["git/copyright", "git/sub/copyright", "git/LICENSE.txt.gz", "git/README"])).toEqual(["git/copyright", "git/LICENSE.txt.gz"]);
  });

  it("reads a man page's roff into text", () => {
    expect(source("man-pages").toText(new TextEncoder().encode(".SH NAME\nls \\- list"))).toBe("NAME\n\nls - list");
  });
});
