import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

const root = join(import.meta.dirname, "../..");

/** A real tier server (Deno) on a free loopback port. */
export interface TierProcess {
  baseUrl: string;
  /** everything the server printed so far */
  output(): string;
  /** SIGTERM, then wait for exit; returns the exit code */
  stop(): Promise<number | null>;
}

/**
 * Starts src/tier/main.ts under node_modules/.bin/deno with `--port 0` and resolves with its URL once it prints
 * its listening line (rejects with the output if it exits first or takes longer than 60 s to come up).
 */
export function startTier(args: string[]): Promise<TierProcess> {
  const child: ChildProcess = spawn(join(root, "node_modules/.bin/deno"), ["run", "-A", "--unstable-no-legacy-abort", "src/tier/main.ts", "--port", "0", ...args], {
    cwd: root,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`tier did not start within 60 s:\n${out}`));
    }, 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (!m?.[1]) return;
      clearTimeout(timer);
      resolve({
        baseUrl: m[1],
        output: () => out,
        stop: async () => {
          if (child.exitCode === null) child.kill("SIGTERM");
          return exited;
        },
      });
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`tier exited with ${code} before listening:\n${out}`));
    });
  });
}
