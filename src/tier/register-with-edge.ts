import { z } from "zod";
import { type ModelCard, ModelCardFieldsSchema, ModelCardSchema } from "../routing/model-card.ts";

/** What registration needs from the tier's GET /v1/models. */
const TierModelsSchema = z.object({
  data: z.array(z.object({ id: z.string(), card: ModelCardSchema })),
});

/** Card fields the edge owns once it knows a model: its operators set prices and priors. */
const EDGE_OWNED = ["priceInputPerMTok", "priceOutputPerMTok", "qualityPrior"] as const;

/** Where to register and how. */
export interface RegisterOptions {
  edge: string;
  tier: string;
  adminToken: string;
  /** id of the upstream row that points at the tier */
  upstreamId: string;
  /** the edge's per-request timeout towards the tier (CPU generation is slow) */
  timeoutMs: number;
}

/** What registration did. */
export interface RegisterResult {
  upstream: string;
  models: { id: string; created: boolean }[];
}

const trim = (url: string) => url.replace(/\/+$/, "");

async function call(method: string, url: string, token: string | null, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    return await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    throw new Error(`${method} ${url}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function expectOk(res: Response, what: string): Promise<unknown> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as unknown;
}

/**
 * Registers a tier with an edge through its admin API: reads the tier's model cards, upserts one upstream row
 * (base URL `<tier>/v1`) and one model row per card. Architecture fields and the tier's capabilities (what its
 * endpoints implement, src/tier/tier-capabilities.ts) come from the tier; prices and quality
 * prior already set at the edge are kept, and so is its calibration unless the tier measured one.
 * @example
 *   await registerWithEdge({ edge: "http://127.0.0.1:8787", tier: "http://127.0.0.1:8788", adminToken, upstreamId: "tier", timeoutMs: 120_000 });
 */
export async function registerWithEdge(opts: RegisterOptions): Promise<RegisterResult> {
  const edge = trim(opts.edge);
  const tier = trim(opts.tier);
  const listed = TierModelsSchema.safeParse(await expectOk(await call("GET", `${tier}/v1/models`, null), `reading ${tier}/v1/models`));
  if (!listed.success) throw new Error(`${tier}/v1/models did not list model cards: ${listed.error.issues[0]?.message ?? "bad shape"}`);

  const upstream = { baseUrl: `${tier}/v1`, secretName: null, timeoutMs: opts.timeoutMs, weight: 1, enabled: true };
  await expectOk(await call("PUT", `${edge}/admin/upstreams/${encodeURIComponent(opts.upstreamId)}`, opts.adminToken, upstream), "upserting the upstream");

  const models: RegisterResult["models"] = [];
  for (const { card } of listed.data.data) {
    const url = `${edge}/admin/models/${encodeURIComponent(card.id)}`;
    const existing = await call("GET", url, opts.adminToken);
    let kept: Partial<ModelCard> = {};
    if (existing.ok) {
      const prior = ModelCardFieldsSchema.partial().safeParse(await existing.json());
      if (prior.success) {
        kept = Object.fromEntries(EDGE_OWNED.filter((k) => prior.data[k] !== undefined).map((k) => [k, prior.data[k]]));
        // A calibration measured by the tier (--calibrate) replaces the edge's; without one the edge's stays.
        if (card.calibration === null && prior.data.calibration) kept.calibration = prior.data.calibration;
      }
    } else {
      await existing.body?.cancel();
    }
    const row = { ...card, ...kept, upstream: opts.upstreamId, upstreamModel: card.id, enabled: true };
    await expectOk(await call("PUT", url, opts.adminToken, row), `upserting model ${card.id}`);
    models.push({ id: card.id, created: !existing.ok });
  }
  return { upstream: opts.upstreamId, models };
}
