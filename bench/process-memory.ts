/**
 * Resident memory of this process's child processes by name (Linux /proc), sampled while a bench runs: the
 * workerd that Miniflare spawns is a child process, so its RSS is not in process.memoryUsage().
 */
import { readdirSync, readFileSync } from "node:fs";

/** RSS bytes summed over every descendant of this process whose command is `name`. */
export function descendantRss(name: string): number {
  let bytes = 0;
  for (const pid of descendantPids(name)) {
    try {
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
      bytes += Number(kb ?? 0) * 1024;
    } catch {
      // ended meanwhile
    }
  }
  return bytes;
}

/** Where the RSS of `name`'s descendants lies (bytes, from /proc/<pid>/smaps). */
export interface RssParts {
  /** anonymous executable mappings: JIT code, compiled wasm among it */
  code: number;
  /** other anonymous mappings: JS heaps, wasm memories, malloc */
  data: number;
  /** file-backed mappings: the binary, its libraries, mapped files */
  file: number;
}

/** RSS of every descendant named `name`, split by mapping kind. */
export function descendantRssParts(name: string): RssParts {
  const parts = { code: 0, data: 0, file: 0 };
  for (const pid of descendantPids(name)) {
    let kind: keyof RssParts = "data";
    try {
      for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
        // "start-end perms offset dev inode [path]" heads each mapping; its "Rss:" line follows.
        const head = /^[0-9a-f]+-[0-9a-f]+ (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
        if (head) {
          const path = head[2] ?? "";
          kind = path.startsWith("/") ? "file" : head[1]?.includes("x") ? "code" : "data";
          continue;
        }
        const kb = /^Rss:\s+(\d+) kB/.exec(line)?.[1];
        if (kb) parts[kind] += Number(kb) * 1024;
      }
    } catch {
      // ended meanwhile
    }
  }
  return parts;
}

function descendantPids(name: string): number[] {
  const parent = new Map<number, number>();
  const comm = new Map<number, string>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split at the last ")".
      const close = stat.lastIndexOf(")");
      comm.set(Number(entry), stat.slice(stat.indexOf("(") + 1, close));
      parent.set(Number(entry), Number(stat.slice(close + 2).split(" ")[1]));
    } catch {
      // the process ended while we looked
    }
  }
  const isDescendant = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === process.pid) return true;
    return false;
  };
  return [...comm].filter(([pid, c]) => c === name && isDescendant(pid)).map(([pid]) => pid);
}

/** Samples `descendantRss(name)` every `everyMs` until stopped; `stop` returns the peak seen. */
export function samplePeakRss(name: string, everyMs = 50): { stop(): number } {
  let peak = descendantRss(name);
  const timer = setInterval(() => {
    peak = Math.max(peak, descendantRss(name));
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, descendantRss(name));
    },
  };
}
