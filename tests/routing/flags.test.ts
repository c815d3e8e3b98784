import { describe, expect, it } from "vitest";
import { knownFlagNames } from "../../src/routing/flag-error.ts";
import {
  FLAG_NAMES,
  FlagError,
  FlagsPatchSchema,
  FlagsSchema,
  parseFlagsBody,
  parseFlagsHeader,
  resolveFlags,
} from "../../src/routing/flags.ts";

/** The FlagError a call throws (fails the test when it throws nothing or something else). */
function flagErrorOf(fn: () => unknown): FlagError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FlagError) return err;
    throw err;
  }
  throw new Error("expected a FlagError");
}

describe("parseFlagsHeader", () => {
  it("parses weights, lists and constraints", () => {
    expect(parseFlagsHeader("latency=1,size=0.5,families=ssm|hybrid,max_params=8e9,deny=a|b")).toEqual({
      latency: 1,
      size: 0.5,
      families: ["ssm", "hybrid"],
      max_params: 8e9,
      deny: ["a", "b"],
    });
  });

  it("tolerates spaces and empty segments, and an empty header is no flags", () => {
    expect(parseFlagsHeader(" memory = 2 , , allow = llama-3-8b | mamba-2.8b ,")).toEqual({
      memory: 2,
      allow: ["llama-3-8b", "mamba-2.8b"],
    });
    expect(parseFlagsHeader("")).toEqual({});
  });

  it("names an unknown flag", () => {
    const err = flagErrorOf(() => parseFlagsHeader("latency=1,foo=2"));
    expect(err.param).toBe("x-switchyard-flags.foo");
    expect(err.message).toMatch(/^unknown flag "foo" \(known: quality, size/);
  });

  it("names a flag whose value is not a number", () => {
    const err = flagErrorOf(() => parseFlagsHeader("latency=x"));
    expect(err.param).toBe("x-switchyard-flags.latency");
    expect(err.message).toBe('flag "latency" must be a number ≥ 0, got "x"');
  });

  it.each([
    ["size=-1", "size", 'flag "size" must be a number ≥ 0, got "-1"'],
    ["cost=1e999", "cost", 'flag "cost" must be a number ≥ 0, got "1e999"'],
    ["min_context=1.5", "min_context", 'flag "min_context" must be an integer > 0 (tokens), got "1.5"'],
    ["max_params=0x10", "max_params", 'flag "max_params" must be a number > 0 (parameters), got "0x10"'],
    ["latency=", "latency", 'flag "latency" must be a number ≥ 0, got ""'],
    [
      "families=ssm|rnn",
      "families",
      'flag "families" must be a non-empty list of ssm, hybrid, transformer, got "ssm|rnn"',
    ],
    ["deny=a||b", "deny", 'flag "deny" must be a list of model ids separated by "|", got "a||b"'],
  ])("rejects %s", (header, flag, message) => {
    const err = flagErrorOf(() => parseFlagsHeader(header));
    expect(err.param).toBe(`x-switchyard-flags.${flag}`);
    expect(err.message).toBe(message);
  });

  it("rejects a flag given twice and a segment without '='", () => {
    expect(flagErrorOf(() => parseFlagsHeader("size=1,size=2")).message).toBe('flag "size" is given twice');
    const err = flagErrorOf(() => parseFlagsHeader("latency"));
    expect(err.param).toBe("x-switchyard-flags");
    expect(err.message).toMatch(/name=value/);
  });
});

describe("parseFlagsBody", () => {
  it("accepts a valid routing object", () => {
    expect(parseFlagsBody({ latency: 2, families: ["transformer"], max_cost: 0.01 })).toEqual({
      latency: 2,
      families: ["transformer"],
      max_cost: 0.01,
    });
  });

  it("names the bad flag under its body path", () => {
    const err = flagErrorOf(() => parseFlagsBody({ latency: "fast" }));
    expect(err.param).toBe("routing.latency");
    expect(err.message).toBe('flag "latency" must be a number ≥ 0, got "fast"');
    expect(flagErrorOf(() => parseFlagsBody({ speed: 1 })).param).toBe("routing.speed");
    expect(flagErrorOf(() => parseFlagsBody({ families: [] })).message).toMatch(/non-empty list/);
  });

  it("rejects a routing value that is not an object", () => {
    const err = flagErrorOf(() => parseFlagsBody([1, 2]));
    expect(err.param).toBe("routing");
    expect(err.message).toBe('"routing" must be an object of flags, got [1,2]');
  });

  it("uses the given prefix, e.g. for a stored policy", () => {
    expect(flagErrorOf(() => parseFlagsBody({ size: -1 }, "policy.cheap")).param).toBe("policy.cheap.size");
  });
});

describe("schemas", () => {
  it("defaults λ_quality to 1 and every penalty λ to 0, with no constraints", () => {
    expect(FlagsSchema.parse({})).toEqual({ quality: 1, size: 0, recency: 0, latency: 0, cost: 0, memory: 0 });
  });

  it("rejects unknown keys, negative and non-finite weights", () => {
    expect(FlagsSchema.safeParse({ sizes: 1 }).success).toBe(false);
    expect(FlagsPatchSchema.safeParse({ latency: -0.1 }).success).toBe(false);
    expect(FlagsPatchSchema.safeParse({ latency: Number.POSITIVE_INFINITY }).success).toBe(false);
  });

  it("lists the same flags in the schema and in error messages", () => {
    expect(knownFlagNames()).toEqual(FLAG_NAMES);
  });
});

describe("resolveFlags", () => {
  it("layers body over header over policy over defaults", () => {
    const flags = resolveFlags({
      policy: { latency: 1, size: 1, cost: 1, families: ["ssm"] },
      header: { latency: 2, size: 2 },
      body: { latency: 3 },
    });
    expect(flags).toEqual({ quality: 1, size: 2, recency: 0, latency: 3, cost: 1, memory: 0, families: ["ssm"] });
  });

  it("replaces a list whole rather than merging it", () => {
    expect(resolveFlags({ policy: { deny: ["a"] }, body: { deny: ["b"] } }).deny).toEqual(["b"]);
  });

  it("gives the defaults when no layer is set", () => {
    expect(resolveFlags({})).toEqual(FlagsSchema.parse({}));
  });
});
