/** Starts the loopback upstreams the workerd suites proxy to, and hands their URLs to the Worker's env. */
import type { TestProject } from "vitest/node";
import { startFaultUpstream } from "../../e2e/support/fault-upstream.ts";
import { startTestUpstream, type TestUpstream } from "../../e2e/support/openai-upstream.ts";
import { freePort } from "../../e2e/support/edge-process.ts";
import type { UpstreamUrls } from "./upstream-urls.ts";

declare module "vitest" {
  export interface ProvidedContext {
    upstreams: UpstreamUrls;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const servers: TestUpstream[] = await Promise.all([
    startTestUpstream({ name: "a", apiKey: "sk-upstream-a" }),
    startTestUpstream({ name: "b" }),
    startTestUpstream({ name: "failing", failWith: 503 }),
    startTestUpstream({ name: "refusing", failWith: 422 }),
    // The tier's answer when a model's queue is full.
    startTestUpstream({ name: "busy", failWith: 429, failCode: "queue_full", failHeaders: { "retry-after": "1" } }),
    startTestUpstream({ name: "slow", delayMs: 5_000 }),
  ]);
  const faults = await startFaultUpstream();
  const [a, b, failing, refusing, busy, slow] = servers as [TestUpstream, TestUpstream, TestUpstream, TestUpstream, TestUpstream, TestUpstream];
  project.provide("upstreams", {
    a: a.baseUrl,
    b: b.baseUrl,
    failing: failing.baseUrl,
    refusing: refusing.baseUrl,
    busy: busy.baseUrl,
    slow: slow.baseUrl,
    // Nothing listens here: connecting fails at once.
    down: `http://127.0.0.1:${await freePort()}/v1`,
    faults: faults.origin,
  });
  return async () => {
    await Promise.all([...servers.map((s) => s.close()), faults.close()]);
  };
}
