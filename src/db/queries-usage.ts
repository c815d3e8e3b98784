/** Served requests and their tokens from the decision log, grouped by day, key and model. */
import { and, eq, gte, isNotNull, ne, sql } from "drizzle-orm";
import type { Database } from "./database.ts";
import { decisions } from "./schema.ts";

/** One (day, key, model) group of served requests. */
export interface UsageRow {
  /** UTC day, YYYY-MM-DD */
  day: string;
  keyId: string | null;
  model: string;
  requests: number;
  /** the upstream's counts where it reported usage, the edge's prompt estimate where it did not */
  tokensIn: number;
  tokensOut: number;
}

export interface UsageQuery {
  /** epoch ms: rows created at or after */
  since: number;
  keyId?: string;
}

/** Groups of requests a model served (route-only decisions and requests nothing served are left out). */
export async function usageRows(db: Database, q: UsageQuery): Promise<UsageRow[]> {
  const day = sql<string>`strftime('%Y-%m-%d', ${decisions.createdAt} / 1000, 'unixepoch')`;
  const rows = await db
    .select({
      day,
      keyId: decisions.keyId,
      model: decisions.chosen,
      requests: sql<number>`count(*)`,
      tokensIn: sql<number>`sum(coalesce(${decisions.tokensIn}, ${decisions.promptTokens}))`,
      tokensOut: sql<number>`sum(coalesce(${decisions.tokensOut}, 0))`,
    })
    .from(decisions)
    .where(
      and(
        gte(decisions.createdAt, q.since),
        isNotNull(decisions.chosen),
        ne(decisions.endpoint, "route"),
        q.keyId === undefined ? undefined : eq(decisions.keyId, q.keyId),
      ),
    )
    .groupBy(day, decisions.keyId, decisions.chosen)
    .orderBy(day);
  return rows.map((r) => ({ ...r, model: r.model ?? "", requests: Number(r.requests), tokensIn: Number(r.tokensIn), tokensOut: Number(r.tokensOut) }));
}
