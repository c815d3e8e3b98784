/**
 * The workers pool starts workerd in verbose mode and prints every line it logs. Faults the suites cause on
 * purpose (an upstream that refuses, cuts or drips; a client that hangs up) make workerd log the closed
 * socket as an "exception" with a stack of bare addresses, and log a fetch rejection the code catches as
 * "uncaught" (a plain `fetch(refused).catch(...)` logs it too). They look like failures and are not, so this
 * drops exactly those lines from the test output. Anything else workerd says, a real uncaught error from our
 * code included, still prints.
 */
const NOISE: RegExp[] = [
  // a socket closed under workerd: refused, cut mid-body, peer gone
  /^exception = (kj|workerd)\/\S+: disconnected: /,
  // the native stack of the line above: addresses only
  /^stack:( \S+@[0-9a-f]+)+$/,
  // a fetch whose connection failed, handled by its caller; workerd logs the rejection before the handler runs
  /^uncaught exception; source = Uncaught \(in promise\); stack = Error: Network connection lost\.$/,
  /^uncaught exception; exception = \S+: disconnected: jsg\.Error: Network connection lost\.$/,
];

function isNoise(line: string): boolean {
  return NOISE.some((re) => re.test(line));
}

/** Wraps `stream.write` so the lines above never reach it. */
function filter(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    if (!text.split("\n").some((line) => line !== "" && isNoise(line))) return write(chunk, ...rest);
    const kept = text.split("\n").filter((line) => !isNoise(line)).join("\n");
    if (kept.trim() === "") {
      // the write's callback, if any, still runs
      const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      callback?.();
      return true;
    }
    return write(kept, ...rest);
  }) as typeof stream.write;
}

/** Installs the filter on stdout and stderr of the vitest process (the pool writes workerd's logs there). */
export function quietWorkerdLogs(): void {
  filter(process.stdout);
  filter(process.stderr);
}
