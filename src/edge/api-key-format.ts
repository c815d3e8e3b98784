/** Prefix of every key the admin API issues, so leaked keys are easy to scan for. */
export const API_KEY_PREFIX = "sk-switchyard-";

/** A new random API key: the prefix and 32 random bytes as hex. Shown once, stored only as SHA-256. */
export function newApiKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return API_KEY_PREFIX + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
