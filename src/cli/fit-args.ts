/**
 * The options that decide how a router is fitted, one definition for `router train`, `router eval` and
 * `calibrate`, so the three can be set to fit the same router. The table has no parseArgs defaults, so a
 * command can tell which were given (`router eval --artifact` fits nothing and refuses them); readFitArgs
 * applies the defaults.
 */
import { DEFAULT_FIT_OPTIONS, type FitSettings } from "../router/fit-router.ts";
import { DEFAULT_TRAIN_OPTIONS } from "../router/train.ts";
import { integerOption, usageError } from "./command-args.ts";

const DEFAULTS: FitSettings = {
  epochs: DEFAULT_FIT_OPTIONS.epochs,
  folds: DEFAULT_FIT_OPTIONS.folds,
  hidden: DEFAULT_TRAIN_OPTIONS.hidden,
  embed: DEFAULT_TRAIN_OPTIONS.embed,
  seed: DEFAULT_TRAIN_OPTIONS.seed,
};

/** The option table, for a command's parseArgs config (spread into its own options). */
export const FIT_ARG_OPTIONS = {
  epochs: { type: "string" },
  folds: { type: "string" },
  hidden: { type: "string" },
  embed: { type: "string" },
  seed: { type: "string" },
} as const;

/** The usage lines of the table, for a command's usage text. */
export const FIT_USAGE = `  --epochs <n>          most epochs per fit; the kept count is cross-validated   [${DEFAULTS.epochs}]
  --folds <n>           cross-validation folds over the train rows               [${DEFAULTS.folds}]
  --hidden <n>          the encoder's hidden width                               [${DEFAULTS.hidden}]
  --embed <n>           the prompt embedding's width                             [${DEFAULTS.embed}]
  --seed <n>            seed of init and shuffling                               [${DEFAULTS.seed}]`;

type FitValues = { [K in keyof typeof FIT_ARG_OPTIONS]?: string | undefined };

/** The settings the values give, defaults for the rest; a bad number is a usage error. */
export function readFitArgs(values: FitValues, usage: string): FitSettings {
  const read = (name: keyof FitSettings, min: number) => {
    const v = values[name];
    return v === undefined ? DEFAULTS[name] : integerOption(name, v, usage, { min });
  };
  return { epochs: read("epochs", 1), folds: read("folds", 2), hidden: read("hidden", 1), embed: read("embed", 1), seed: read("seed", 0) };
}

/** Refuses fit options where nothing is fitted, naming the ones given and `why`. */
export function refuseFitArgs(values: FitValues, why: string, usage: string): void {
  const given = Object.keys(FIT_ARG_OPTIONS).filter((k) => values[k as keyof FitValues] !== undefined);
  if (given.length > 0) throw usageError(`${given.map((k) => `--${k}`).join(", ")}: ${why}`, usage);
}

/** The flags that fit with these settings again (for a report's command line). */
export function fitArgsFlags(s: FitSettings): string {
  return `--epochs ${s.epochs} --folds ${s.folds} --hidden ${s.hidden} --embed ${s.embed} --seed ${s.seed}`;
}
