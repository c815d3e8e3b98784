import type { z } from "zod";

// What each flag accepts, in words; the one place error messages get their wording from.
const FLAG_DESCRIPTIONS: Readonly<Record<string, string>> = {
  quality: "a number ≥ 0",
  size: "a number ≥ 0",
  recency: "a number ≥ 0",
  latency: "a number ≥ 0",
  cost: "a number ≥ 0",
  memory: "a number ≥ 0",
  max_params: "a number > 0 (parameters)",
  families: "a non-empty list of ssm, hybrid, transformer",
  min_context: "an integer > 0 (tokens)",
  max_latency_ms: "a number > 0 (milliseconds)",
  max_cost: "a number ≥ 0 (USD)",
  allow: "a non-empty list of model ids",
  deny: "a list of model ids",
};

/** A bad routing flag: `param` names it (e.g. `routing.latency`), the message says what is wrong. */
export class FlagError extends Error {
  override readonly name = "FlagError";
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
  }
}

/** What a flag accepts, in words, e.g. "a number ≥ 0". */
export function describeFlag(name: string): string {
  return FLAG_DESCRIPTIONS[name] ?? "a known flag";
}

/** The flag names error messages list as known. */
export function knownFlagNames(): string[] {
  return Object.keys(FLAG_DESCRIPTIONS);
}

/**
 * Turns zod issues from validating a flags object into one FlagError naming the first bad flag.
 * @param paramPrefix where the flags came from, e.g. "routing" (body) or "x-switchyard-flags"
 * @param input the object that was validated, so the message can quote the bad value
 */
export function flagErrorFromZod(
  issues: readonly z.core.$ZodIssue[],
  paramPrefix: string,
  input?: unknown,
): FlagError {
  const issue = issues[0];
  if (!issue) return new FlagError(paramPrefix, `"${paramPrefix}" is invalid`);
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    return new FlagError(
      `${paramPrefix}.${key}`,
      `unknown flag "${key}" (known: ${knownFlagNames().join(", ")})`,
    );
  }
  const head = issue.path[0];
  if (head === undefined) {
    return new FlagError(paramPrefix, `"${paramPrefix}" must be an object of flags, got ${quote(input)}`);
  }
  const name = String(head);
  const value = isRecord(input) ? input[name] : undefined;
  return new FlagError(`${paramPrefix}.${name}`, `flag "${name}" must be ${describeFlag(name)}, got ${quote(value)}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function quote(value: unknown): string {
  if (value === undefined) return "nothing";
  return JSON.stringify(value) ?? String(value);
}
