/**
 * A request's `models` list (OpenRouter's field): an ordered preference inside the feasible set. Only listed
 * models are candidates; the first feasible one is chosen and the others follow in the list's order, so the
 * proxy falls back down the list. Hard constraints and capabilities still apply to every listed model.
 */
import type { Candidate, Exclusion } from "./decision-schema.ts";

/** Why a card is no candidate under the list: it is not on it ("models", as the other reasons name their flag). */
export function listViolations(id: string, list: readonly string[] | undefined): string[] {
  if (list === undefined || list.includes(id)) return [];
  return [`models: "${id}" is not in the request's models list`];
}

/** The listed ids with no card (not in the library, or disabled), each as an exclusion with its reason. */
export function unknownListed(cards: readonly { id: string }[], list: readonly string[]): Exclusion[] {
  const known = new Set(cards.map((c) => c.id));
  return list.filter((id) => !known.has(id)).map((id) => ({ id, reasons: [`models: "${id}" is not an enabled library model`] }));
}

/** The cards a request may go to: the listed ones, or all of them without a list. */
export function listedCards<T extends { id: string }>(cards: readonly T[], list: readonly string[] | undefined): T[] {
  return list === undefined ? [...cards] : cards.filter((c) => list.includes(c.id));
}

/** Candidates in the list's order. */
export function byListOrder(list: readonly string[]): (a: Candidate, b: Candidate) => number {
  const position = new Map(list.map((id, i) => [id, i]));
  return (a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0);
}

/** @throws RangeError when an id is listed twice: its place in the order would be ambiguous. */
export function assertUniqueListed(list: readonly string[]): void {
  const seen = new Set<string>();
  for (const id of list) {
    if (seen.has(id)) throw new RangeError(`model id "${id}" appears twice in the models list`);
    seen.add(id);
  }
}
