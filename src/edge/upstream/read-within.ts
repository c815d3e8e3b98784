import { UpstreamFault } from "./upstream-fault.ts";

/**
 * The next chunk of an upstream body, or an UpstreamFault when the upstream stays silent for `idleMs` or
 * the attempt's `deadline` (ms since the epoch) passes first. The caller cancels the body on a fault.
 */
export async function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  idleMs: number,
  deadline: number,
  totalMs: number,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  const left = deadline - Date.now();
  const idle = idleMs < left;
  const wait = Math.max(0, idle ? idleMs : left);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          idle
            ? new UpstreamFault("idle_timeout", `no data for ${idleMs} ms`)
            : new UpstreamFault("deadline", `not finished within ${totalMs} ms`),
        ),
      wait,
    );
  });
  try {
    return await Promise.race([reader.read(), timeout]);
  } catch (err) {
    if (err instanceof UpstreamFault) throw err;
    throw new UpstreamFault("cut", `the body broke off: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    clearTimeout(timer);
  }
}
