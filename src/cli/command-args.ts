/**
 * Argument handling every `switchyard` command shares: `--help` prints the usage text, and every mistake in
 * the arguments (unknown option, missing value, bad number) becomes an Error whose message ends with that
 * usage text, which main.ts prints before exiting with code 1.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";

/** What a command declares: its option table and whether it takes positionals, as for `parseArgs`. */
export type CommandArgsConfig = Pick<ParseArgsConfig, "options" | "allowPositionals">;

/** The config `parseArgs` gets: always strict, so an unknown option or a missing value is an error. */
type StrictConfig<C extends CommandArgsConfig> = C & { args: readonly string[]; strict: true };

/** `parseArgs`' result for the command's own table: string options are `string`, boolean ones `boolean`. */
export type CommandArgs<C extends CommandArgsConfig> = ReturnType<typeof parseArgs<StrictConfig<C>>>;

/** An error about the command's arguments: the message, then the command's usage text. */
export function usageError(message: string, usage: string): Error {
  return new Error(`${message}\n${usage}`);
}

/** Prints `usage` and returns true when `argv` asks for `--help` (checked first, so it wins over bad options). */
export function showHelp(argv: readonly string[], usage: string): boolean {
  if (!argv.includes("--help")) return false;
  console.log(usage);
  return true;
}

/**
 * Parses a command's arguments strictly against its option table.
 * @returns the parsed values and positionals, or null when `--help` printed the usage (the command then returns)
 * @throws a {@link usageError} for an unknown option, a missing value or an unexpected positional
 * @example
 * const usage = `usage: switchyard router eval [options]
 *   --epochs <n>   most epochs   [30]`;
 * export async function run(argv: string[]): Promise<void> {
 *   const args = parseCommandArgs(argv, usage, { options: { epochs: { type: "string", default: "30" } } });
 *   if (!args) return;
 *   const epochs = integerOption("epochs", args.values.epochs, usage); // a positive integer, else a usage error
 * }
 */
export function parseCommandArgs<C extends CommandArgsConfig>(argv: readonly string[], usage: string, config: C): CommandArgs<C> | null {
  if (showHelp(argv, usage)) return null;
  const strict: StrictConfig<C> = { ...config, args: argv, strict: true };
  try {
    return parseArgs(strict);
  } catch (err) {
    if (isParseArgsError(err)) throw usageError(err.message, usage);
    throw err;
  }
}

// parseArgs reports bad arguments as TypeErrors with an ERR_PARSE_ARGS_* code; anything else is a real bug.
function isParseArgsError(err: unknown): err is TypeError {
  return err instanceof TypeError && "code" in err && typeof err.code === "string" && err.code.startsWith("ERR_PARSE_ARGS_");
}

/** Bounds of an integer option, both inclusive; `min` defaults to 1 (a positive integer). */
export interface IntegerRange {
  min?: number;
  max?: number;
}

/**
 * Reads the integer option `--<name>` from its string value (decimal digits only, so "1e3", "2.5" and "" fail).
 * @throws a {@link usageError} such as `--epochs takes a positive integer, got "ten"`
 * @example
 * const pageSize = integerOption("page-size", values["page-size"], usage, { max: 10_000 });
 */
export function integerOption(name: string, value: string, usage: string, { min = 1, max }: IntegerRange = {}): number {
  const n = Number(value);
  const ok = /^-?\d+$/.test(value.trim()) && Number.isSafeInteger(n) && n >= min && (max === undefined || n <= max);
  if (!ok) throw usageError(`--${name} takes ${describeRange(min, max)}, got ${JSON.stringify(value)}`, usage);
  return n;
}

function describeRange(min: number, max: number | undefined): string {
  if (max !== undefined) return `an integer in ${min}..${max}`;
  if (min === 1) return "a positive integer";
  if (min === 0) return "a non-negative integer";
  return `an integer ≥ ${min}`;
}
