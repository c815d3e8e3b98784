/**
 * Resident memory of this process's child processes by name (Linux /proc), sampled while a bench runs: the
 * workerd that Miniflare spawns is a child process, so its RSS is not in process.memoryUsage().
 */
import { readdirSync, readFileSync } from "node:fs";

/** RSS bytes summed over every descendant of this process whose command is `name`. */
export function descendantRss(name: string): number {
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
  let bytes = 0;
  for (const [pid, c] of comm) {
    if (c !== name || !isDescendant(pid)) continue;
    try {
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
      bytes += Number(kb ?? 0) * 1024;
    } catch {
      // ended meanwhile
    }
  }
  return bytes;
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
