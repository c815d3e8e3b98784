// Short human wording of the quantities decision reasons and exclusions quote.

/** 2 significant digits for small values, trimmed: 0.0031, 12, 2.5. */
function sig(value: number, digits = 2): string {
  if (value === 0) return "0";
  return Number(value.toPrecision(digits)).toString();
}

/** Parameters: 350M, 2.8B, 8.03B. */
export function formatParams(params: number): string {
  if (params >= 1e9) return `${sig(params / 1e9, 3)}B`;
  if (params >= 1e6) return `${sig(params / 1e6, 3)}M`;
  return `${sig(params)}`;
}

/** Token counts: 512, 12k, 1.5M. */
export function formatTokens(tokens: number): string {
  if (tokens >= 1e6) return `${sig(tokens / 1e6)}M`;
  if (tokens >= 1e3) return `${sig(tokens / 1e3)}k`;
  return `${tokens}`;
}

/** Durations: 0.42 ms, 812 ms, 2.5 s. */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${sig(ms / 1000)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  return `${sig(ms)} ms`;
}

/** Prices: $0.0031, $12. */
export function formatUsd(usd: number): string {
  return `$${sig(usd)}`;
}

/** Memory: 64 KB, 1.2 GB. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${sig(value)} ${units[unit]}`;
}

/** Ratios of two positive quantities: 3.1×. */
export function formatRatio(bigger: number, smaller: number): string {
  return `${sig(bigger / smaller)}×`;
}

/** Scores and weights: up to 3 decimals, trimmed. */
export function formatScore(value: number): string {
  return Number(value.toFixed(3)).toString();
}
