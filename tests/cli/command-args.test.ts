import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, expectTypeOf, it, vi } from "vitest";
import { integerOption, parseCommandArgs, showHelp, usageError } from "../../src/cli/command-args.ts";

const usage = `usage: switchyard thing [options]
  --epochs <n>   most epochs   [30]
  --dry-run      print only`;

const config = {
  options: {
    epochs: { type: "string", default: "30" },
    name: { type: "string" },
    "dry-run": { type: "boolean", default: false },
  },
} as const;

describe("parseCommandArgs", () => {
  it("prints the usage and returns null on --help, even next to an unknown option", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    expect(parseCommandArgs(["--bogus", "--help"], usage, config)).toBeNull();
    expect(log).toHaveBeenCalledWith(usage);
  });

  it("returns typed values with defaults applied", () => {
    const args = parseCommandArgs(["--name", "x", "--dry-run"], usage, config);
    expect(args?.values).toEqual({ epochs: "30", name: "x", "dry-run": true });
    expect(args?.positionals).toEqual([]);
    expectTypeOf(args?.values.epochs).toEqualTypeOf<string | undefined>();
    expectTypeOf(args!.values.epochs).toEqualTypeOf<string>();
    expectTypeOf(args!.values.name).toEqualTypeOf<string | undefined>();
    expectTypeOf(args!.values["dry-run"]).toEqualTypeOf<boolean>();
  });

  it("turns an unknown option into an error that names it and ends with the usage", () => {
    const parse = () => parseCommandArgs(["--epoch", "3"], usage, config);
    expect(parse).toThrow(/^Unknown option '--epoch'/);
    expect(parse).toThrow(`\n${usage}`);
  });

  it("turns a missing option value into an error that ends with the usage", () => {
    const parse = () => parseCommandArgs(["--name"], usage, config);
    expect(parse).toThrow("'--name <value>' argument missing");
    expect(parse).toThrow(`\n${usage}`);
  });

  it("rejects positionals unless the command allows them", () => {
    expect(() => parseCommandArgs(["file.onnx"], usage, config)).toThrow("Unexpected argument 'file.onnx'");
    const args = parseCommandArgs(["file.onnx"], usage, { ...config, allowPositionals: true });
    expect(args?.positionals).toEqual(["file.onnx"]);
    expectTypeOf(args!.positionals).toEqualTypeOf<string[]>();
  });
});

describe("integerOption", () => {
  it("reads integers within the range", () => {
    expect(integerOption("epochs", "12", usage)).toBe(12);
    expect(integerOption("seed", "0", usage, { min: 0 })).toBe(0);
    expect(integerOption("page-size", "10000", usage, { max: 10_000 })).toBe(10_000);
  });

  it.each([["ten"], ["0"], ["-3"], ["2.5"], ["1e3"], [""]])("says --epochs takes a positive integer for %j, then the usage", (value) => {
    expect(() => integerOption("epochs", value, usage)).toThrow(new Error(`--epochs takes a positive integer, got ${JSON.stringify(value)}\n${usage}`));
  });

  it("names the range when there is a maximum or another minimum", () => {
    expect(() => integerOption("page-size", "10001", usage, { max: 10_000 })).toThrow("--page-size takes an integer in 1..10000");
    expect(() => integerOption("seed", "-1", usage, { min: 0 })).toThrow("--seed takes a non-negative integer");
    expect(() => integerOption("folds", "1", usage, { min: 2 })).toThrow("--folds takes an integer ≥ 2");
  });
});

describe("showHelp and usageError", () => {
  it("leave argv without --help alone and put the usage after the message", () => {
    expect(showHelp(["--epochs", "3"], usage)).toBe(false);
    expect(usageError("give --edge <url>", usage).message).toBe(`give --edge <url>\n${usage}`);
  });
});

describe("a command's bad option through the CLI", () => {
  it("exits 1 with the message and the command's usage on stderr", async () => {
    const root = join(import.meta.dirname, "../..");
    const err = await promisify(execFile)(process.execPath, ["--import", "tsx", join(root, "src/cli/main.ts"), "demo", "make", "--bogus"], { cwd: root }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stderr).toContain("'--bogus'");
    expect(err?.stderr).toContain("usage: switchyard demo make");
  });
});
