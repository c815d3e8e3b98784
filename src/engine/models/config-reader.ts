/** A config.json that cannot describe a model we can run: the message names config.json and the key. */
export class ModelConfigError extends Error {
  override name = "ModelConfigError";
}

/** Keys every HF PretrainedConfig may carry that do not change inference (ids, bookkeeping, training knobs). */
const GENERIC_KEYS = [
  "architectures", "model_type", "transformers_version", "dtype", "torch_dtype", "_name_or_path",
  "bos_token_id", "eos_token_id", "pad_token_id", "initializer_range", "use_cache", "num_logits_to_keep",
  "output_attentions", "output_hidden_states", "return_dict", "tokenizer_class", "pretraining_tp",
];

interface NumberRule {
  /** inclusive lower bound */
  min?: number;
  /** exclusive lower bound */
  above?: number;
  /** value used when the key is absent (only where HF defines one) */
  default?: number;
}

/**
 * Strict reader of one config.json: every key the model reads is validated, every other key must be declared
 * as known-and-harmless, and finish() fails on anything left over — so an unsupported feature fails loudly.
 */
export class ConfigReader {
  private readonly read: Set<string>;

  /** `scope` names a nested object (e.g. "rope_parameters"): its keys are reported as scope.key. */
  constructor(
    private readonly raw: Record<string, unknown>,
    readonly architecture: string,
    private readonly scope = "",
  ) {
    this.read = new Set(scope ? [] : GENERIC_KEYS);
  }

  /** A reader for the nested object under `key` (absent/null → undefined). */
  nested(key: string): ConfigReader | undefined {
    const obj = this.object(key);
    return obj && new ConfigReader(obj, this.architecture, this.path(key));
  }

  /** Throws a ModelConfigError naming config.json, the key and the architecture. */
  fail(key: string, problem: string): never {
    throw new ModelConfigError(`config.json: "${this.path(key)}" ${problem} (${this.architecture})`);
  }

  private path(key: string): string {
    return this.scope ? `${this.scope}.${key}` : key;
  }

  /** Whether the key is present and not null. */
  has(key: string): boolean {
    return this.raw[key] !== undefined && this.raw[key] !== null;
  }

  /** A positive (or ≥ rule.min) integer. */
  int(key: string, rule: NumberRule = { min: 1 }): number {
    const v = this.number(key, rule);
    if (!Number.isInteger(v)) this.fail(key, `must be an integer, got ${v}`);
    return v;
  }

  /** A finite number (±Infinity only where the rule allows it through bounds). */
  number(key: string, rule: NumberRule = {}): number {
    this.read.add(key);
    const value = this.has(key) ? decodeNumber(this.raw[key]) : rule.default;
    if (value === undefined) this.fail(key, this.has(key) ? `must be a number, got ${JSON.stringify(this.raw[key])}` : "is missing");
    if (Number.isNaN(value)) this.fail(key, "must be a number, got NaN");
    if (rule.min !== undefined && value < rule.min) this.fail(key, `must be ≥ ${rule.min}, got ${value}`);
    if (rule.above !== undefined && value <= rule.above) this.fail(key, `must be > ${rule.above}, got ${value}`);
    return value;
  }

  /** A boolean, or `fallback` when absent. */
  bool(key: string, fallback?: boolean): boolean {
    this.read.add(key);
    const v = this.has(key) ? this.raw[key] : fallback;
    if (typeof v !== "boolean") this.fail(key, v === undefined ? "is missing" : `must be true or false, got ${JSON.stringify(v)}`);
    return v;
  }

  /** One of the allowed strings, or `fallback` when absent. */
  oneOf<T extends string>(key: string, allowed: readonly T[], fallback?: T): T {
    this.read.add(key);
    const v = this.has(key) ? this.raw[key] : fallback;
    if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
      this.fail(key, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${JSON.stringify(v)}`);
    }
    return v as T;
  }

  /** A list of numbers (bounds checked per element), or `fallback` when absent. */
  numberList(key: string, fallback?: number[]): number[] {
    this.read.add(key);
    const v = this.has(key) ? this.raw[key] : fallback;
    if (!Array.isArray(v)) this.fail(key, v === undefined ? "is missing" : "must be a list of numbers");
    return v.map((item, i) => {
      const n = decodeNumber(item);
      if (n === undefined || Number.isNaN(n)) this.fail(key, `item ${i} must be a number, got ${JSON.stringify(item)}`);
      return n;
    });
  }

  /** A nested object, or undefined when absent/null. */
  object(key: string): Record<string, unknown> | undefined {
    this.read.add(key);
    if (!this.has(key)) return undefined;
    const v = this.raw[key];
    if (typeof v !== "object" || Array.isArray(v)) this.fail(key, "must be an object");
    return v as Record<string, unknown>;
  }

  /** Declares keys that are known and have no effect on inference (training-time or init-time settings). */
  ignore(...keys: string[]): void {
    for (const k of keys) this.read.add(k);
  }

  /** Requires the key to be absent or equal to `expected` (a feature we do not implement otherwise). */
  expect(key: string, expected: unknown): void {
    this.read.add(key);
    if (this.has(key) && JSON.stringify(this.raw[key]) !== JSON.stringify(expected)) {
      this.fail(key, `must be ${JSON.stringify(expected)} for this engine, got ${JSON.stringify(this.raw[key])}`);
    }
  }

  /** Fails when config.json holds keys this architecture neither reads nor knows to be harmless. */
  finish(): void {
    const unknown = Object.keys(this.raw).filter((k) => !this.read.has(k));
    if (unknown.length > 0) {
      const keys = unknown.map((k) => `"${this.path(k)}"`).join(", ");
      throw new ModelConfigError(
        `config.json: unknown key${unknown.length > 1 ? "s" : ""} ${keys} for ${this.architecture} (not supported by this engine)`,
      );
    }
  }
}

/** JSON numbers, plus transformers' {"__float__": "Infinity"} encoding of non-finite floats. */
function decodeNumber(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "object" && v !== null && "__float__" in v) {
    const f = (v as { __float__: unknown }).__float__;
    if (f === "Infinity") return Infinity;
    if (f === "-Infinity") return -Infinity;
  }
  return undefined;
}
