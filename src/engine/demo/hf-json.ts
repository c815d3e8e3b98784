/**
 * JSON as transformers writes config files: Python's json.dumps(indent=2, sort_keys=True) plus a newline.
 * JavaScript numbers do not remember whether they were floats, so the keys whose values Python holds as floats
 * are named; their numbers are written as Python's repr does (1.0, 1e-05, 10000.0).
 */
export function hfJson(value: unknown, floatKeys: ReadonlySet<string> = new Set()): string {
  return `${write(value, "", false, floatKeys)}\n`;
}

/** Python's float repr: shortest round-trip digits; fixed notation for 1e-4 ≤ |x| < 1e16, else d.ddde±XX. */
export function pythonFloat(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`${x} has no JSON form; write it as {"__float__": "${x}"}`);
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, exponent] = x.toExponential().split("e") as [string, string];
  const e = Number(exponent);
  if (e >= -4 && e < 16) {
    const fixed = String(x);
    return fixed.includes(".") ? fixed : `${fixed}.0`;
  }
  return `${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
}

function write(v: unknown, indent: string, asFloat: boolean, floatKeys: ReadonlySet<string>): string {
  if (typeof v === "number") return asFloat ? pythonFloat(v) : JSON.stringify(v);
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    return `[\n${v.map((item) => inner + write(item, inner, asFloat, floatKeys)).join(",\n")}\n${indent}]`;
  }
  const keys = Object.keys(v).sort();
  if (keys.length === 0) return "{}";
  const rows = keys.map((k) => `${inner}${JSON.stringify(k)}: ${write((v as Record<string, unknown>)[k], inner, floatKeys.has(k), floatKeys)}`);
  return `{\n${rows.join(",\n")}\n${indent}}`;
}
