/**
 * The memory of the isolates inside a workerd, read through their V8 inspector (Miniflare's `inspectorPort`
 * opens workerd's `--inspector-addr`): the JS heap (`Runtime.getHeapUsage`) and the byte length of every live
 * `WebAssembly.Memory` (`Runtime.queryObjects` on its prototype). Heap plus wasm memory is what the Workers
 * 128 MB isolate limit is about; workerd's RSS also holds compiled code, the runtime and the other isolates.
 * Needs a global WebSocket (Node 20: `--experimental-websocket`). Only Runtime and HeapProfiler are used, not
 * Debugger, which would switch wasm to debug code.
 */

/** One isolate's JS heap, bytes (Runtime.getHeapUsage). */
export interface HeapUsage {
  used: number;
  total: number;
}

/** An inspector session on one isolate. */
export interface IsolateInspector {
  heap(): Promise<HeapUsage>;
  /** summed byteLength of the isolate's live WebAssembly.Memory objects */
  wasmMemory(): Promise<number>;
  /**
   * A full collection (HeapProfiler.collectGarbage, with `wake` to let it run); false when the isolate had not
   * run it after `giveUpMs` (an isolate that `wake` does not reach).
   */
  collectGarbage(giveUpMs?: number): Promise<boolean>;
  /**
   * Bytes the isolate allocated while `step` ran, garbage included: V8's sampling heap profiler (a sample
   * every 16 KB on average) told to keep the samples of collected objects.
   */
  allocatedDuring(step: () => Promise<unknown>): Promise<number>;
  close(): void;
}

interface Reply {
  result?: Record<string, unknown> & { result?: { objectId?: string; value?: unknown }; objects?: { objectId?: string } };
  error?: { message: string };
}

const COMMAND_TIMEOUT_MS = 30_000;

/** The inspector targets of the workerd at `port` (Miniflare names the user's Worker "core:user:"). */
export async function inspectorTargets(port: number): Promise<string[]> {
  const res = await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(5_000) });
  return ((await res.json()) as { id: string }[]).map((t) => t.id);
}

/**
 * Opens an inspector session on `target` of the workerd whose inspector listens on `port`. `wake` sends the
 * isolate a request: V8 runs the inspector's GC as a posted task, which workerd runs only when the isolate
 * next has work, so a collection on an idle isolate waits for it.
 */
export async function inspectIsolate(port: number, target: string, wake?: () => Promise<unknown>): Promise<IsolateInspector> {
  if (typeof WebSocket === "undefined") throw new Error("no global WebSocket: run Node 20 with --experimental-websocket");
  const ws = new WebSocket(`ws://127.0.0.1:${port}/${target}`);
  const pending = new Map<number, (reply: Reply) => void>();
  let nextId = 0;
  let context: number | null = null;
  let contextSeen: () => void = () => undefined;
  const contextReady = new Promise<void>((resolve) => (contextSeen = resolve));
  ws.onmessage = (event) => {
    const msg = JSON.parse(String(event.data)) as Reply & { id?: number; method?: string; params?: { context?: { id: number } } };
    if (msg.id !== undefined) {
      pending.get(msg.id)?.(msg);
      pending.delete(msg.id);
    } else if (msg.method === "Runtime.executionContextCreated" && msg.params?.context) {
      context = msg.params.context.id;
      contextSeen();
    }
  };
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error(`inspector ${target} on port ${port}: cannot connect`));
  });
  const send = (method: string, params: object = {}): Promise<Reply> => {
    const id = ++nextId;
    const answer = new Promise<Reply>((resolve, reject) =>
      pending.set(id, (reply) => (reply.error ? reject(new Error(`inspector: ${method}: ${reply.error.message}`)) : resolve(reply))),
    );
    ws.send(JSON.stringify({ id, method, params }));
    return withTimeout(answer, `inspector: ${method} got no answer in ${COMMAND_TIMEOUT_MS} ms`);
  };
  // Runtime.evaluate needs the context's id: workerd names no default context.
  await send("Runtime.enable");
  await withTimeout(contextReady, `inspector ${target}: no execution context`);
  const group = "bench-memory";
  return {
    async heap() {
      const h = (await send("Runtime.getHeapUsage")).result as { usedSize: number; totalSize: number };
      return { used: h.usedSize, total: h.totalSize };
    },
    async wasmMemory() {
      const proto = await send("Runtime.evaluate", { expression: "WebAssembly.Memory.prototype", contextId: context, objectGroup: group });
      const found = await send("Runtime.queryObjects", { prototypeObjectId: proto.result?.result?.objectId, objectGroup: group });
      const bytes = await send("Runtime.callFunctionOn", {
        objectId: found.result?.objects?.objectId,
        functionDeclaration: "function () { return this.reduce((sum, m) => sum + m.buffer.byteLength, 0); }",
        returnByValue: true,
      });
      await send("Runtime.releaseObjectGroup", { objectGroup: group });
      return Number(bytes.result?.result?.value ?? 0);
    },
    async collectGarbage(giveUpMs = COMMAND_TIMEOUT_MS) {
      if (!wake) throw new Error(`inspector ${target}: a collection needs a wake request`);
      let done = false;
      const collected = send("HeapProfiler.collectGarbage").then(
        () => (done = true),
        () => false,
      );
      // The command may reach the isolate after a wake request has come and gone: wake it until it answers.
      const deadline = Date.now() + giveUpMs;
      while (!done && Date.now() < deadline) {
        await wake();
        await Promise.race([collected, new Promise((resolve) => setTimeout(resolve, 250))]);
      }
      return done;
    },
    async allocatedDuring(step) {
      await send("HeapProfiler.startSampling", { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
      try {
        await step();
        const profile = (await send("HeapProfiler.getSamplingProfile")).result as { profile: { head: SamplingNode } };
        return totalSize(profile.profile.head);
      } finally {
        await send("HeapProfiler.stopSampling");
      }
    },
    close: () => ws.close(),
  };
}

interface SamplingNode {
  selfSize: number;
  children: SamplingNode[];
}

function totalSize(node: SamplingNode): number {
  return node.children.reduce((sum, child) => sum + totalSize(child), node.selfSize);
}

function withTimeout<T>(promise: Promise<T>, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), COMMAND_TIMEOUT_MS)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
