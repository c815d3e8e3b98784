import { z } from "zod";
import { FamilySchema } from "./model-card.ts";
import { describeFlag, FlagError, flagErrorFromZod } from "./flag-error.ts";

export { FlagError, flagErrorFromZod } from "./flag-error.ts";

/** The penalty terms of the Tryage objective, each weighted by its own λ. */
export const PENALTY_KEYS = ["size", "recency", "latency", "cost", "memory"] as const;
export type PenaltyKey = (typeof PENALTY_KEYS)[number];

const weight = z.number().min(0);
const modelIds = z.array(z.string().min(1));

// Hard constraints: absent means "no limit".
const constraintShape = {
  max_params: z.number().positive().optional(),
  families: z.array(FamilySchema).min(1).optional(),
  min_context: z.number().int().positive().optional(),
  max_latency_ms: z.number().positive().optional(),
  max_cost: z.number().min(0).optional(),
  allow: modelIds.min(1).optional(),
  deny: modelIds.optional(),
};

/**
 * Routing flags, fully resolved: λ weights (quality 1, penalties 0 by default) and hard constraints.
 * Unknown keys fail, so a typo never silently routes differently.
 */
export const FlagsSchema = z
  .object({
    quality: weight.default(1),
    size: weight.default(0),
    recency: weight.default(0),
    latency: weight.default(0),
    cost: weight.default(0),
    memory: weight.default(0),
    ...constraintShape,
  })
  .strict();
export type Flags = z.infer<typeof FlagsSchema>;

/** One layer of flags (policy, header or body): every key optional, no defaults, so layers merge cleanly. */
export const FlagsPatchSchema = z
  .object({
    quality: weight.optional(),
    size: weight.optional(),
    recency: weight.optional(),
    latency: weight.optional(),
    cost: weight.optional(),
    memory: weight.optional(),
    ...constraintShape,
  })
  .strict();
export type FlagsPatch = z.infer<typeof FlagsPatchSchema>;
export type FlagName = keyof FlagsPatch;

/** Every flag name, in the order the docs list them. */
export const FLAG_NAMES = Object.keys(FlagsPatchSchema.shape) as FlagName[];

const LIST_FLAGS: ReadonlySet<string> = new Set(["families", "allow", "deny"]);
const NUMBER_SYNTAX = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Prefix of `FlagError.param` for header errors, e.g. `x-switchyard-flags.latency`. */
export const FLAGS_HEADER = "x-switchyard-flags";

/**
 * Parses the `x-switchyard-flags` header: comma-separated `name=value`, lists separated by `|`.
 * @example parseFlagsHeader("latency=1,size=0.5,families=ssm|hybrid,max_params=8e9,deny=a|b")
 * @throws FlagError naming the offending flag.
 */
export function parseFlagsHeader(value: string): FlagsPatch {
  const raw: Record<string, string> = {};
  const parsed: Record<string, unknown> = {};
  for (const segment of value.split(",")) {
    const part = segment.trim();
    if (part === "") continue;
    const eq = part.indexOf("=");
    if (eq <= 0) {
      throw new FlagError(FLAGS_HEADER, `flag "${part}" must be written name=value`);
    }
    const name = part.slice(0, eq).trim();
    const text = part.slice(eq + 1).trim();
    const param = `${FLAGS_HEADER}.${name}`;
    if (!(FLAG_NAMES as string[]).includes(name)) {
      throw new FlagError(param, `unknown flag "${name}" (known: ${FLAG_NAMES.join(", ")})`);
    }
    if (name in raw) throw new FlagError(param, `flag "${name}" is given twice`);
    raw[name] = text;
    parsed[name] = LIST_FLAGS.has(name) ? parseList(name, text, param) : parseNumber(name, text, param);
  }
  const result = FlagsPatchSchema.safeParse(parsed);
  if (!result.success) throw flagErrorFromZod(result.error.issues, FLAGS_HEADER, raw);
  return result.data;
}

/**
 * Validates the request body's `routing` object (or a stored policy) as a flags layer.
 * @throws FlagError whose param is `<paramPrefix>.<flag>`, e.g. `routing.latency`.
 */
export function parseFlagsBody(value: unknown, paramPrefix = "routing"): FlagsPatch {
  const result = FlagsPatchSchema.safeParse(value);
  if (result.success) return result.data;
  throw flagErrorFromZod(result.error.issues, paramPrefix, value);
}

/**
 * Layers flags: body over header over policy over defaults (a key set in a higher layer wins whole).
 * @example resolveFlags({ policy: { latency: 1 }, body: { latency: 2 } }).latency // 2
 */
export function resolveFlags(layers: { policy?: FlagsPatch; header?: FlagsPatch; body?: FlagsPatch }): Flags {
  const merged: Record<string, unknown> = {};
  for (const layer of [layers.policy, layers.header, layers.body]) {
    if (!layer) continue;
    for (const [key, val] of Object.entries(layer)) if (val !== undefined) merged[key] = val;
  }
  return FlagsSchema.parse(merged);
}

function parseNumber(name: string, text: string, param: string): number {
  if (!NUMBER_SYNTAX.test(text)) {
    throw new FlagError(param, `flag "${name}" must be ${describeFlag(name)}, got "${text}"`);
  }
  return Number(text);
}

function parseList(name: string, text: string, param: string): string[] {
  const items = text.split("|").map((s) => s.trim());
  if (items.some((s) => s === "")) {
    throw new FlagError(param, `flag "${name}" must be ${describeFlag(name)} separated by "|", got "${text}"`);
  }
  return items;
}
