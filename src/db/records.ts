/**
 * The shapes of library records as the admin API, the seed file and /v1/models speak them (camelCase, JSON
 * values parsed). D1 rows map to and from these in the queries-* files only.
 */
import { z } from "zod";
import { FlagsPatchSchema } from "../routing/flags.ts";
import { ModelCardSchema } from "../routing/model-card.ts";
import type { KeyLimits } from "../routing/rate-allowance.ts";

const idSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9._:/-]+$/);

/**
 * Names an upstream's secret may take: an `UPSTREAM_` prefix keeps every other binding (ADMIN_TOKEN, DB,
 * the Worker's vars) out of reach of whoever can write the library.
 */
export const UPSTREAM_SECRET_PATTERN = /^UPSTREAM_[A-Z0-9_]+$/;

/** An OpenAI-compatible server. `secretName` names a Worker secret; the key itself is never stored. */
export const UpstreamSchema = z
  .object({
    id: idSchema,
    baseUrl: z.url({ protocol: /^https?$/ }),
    secretName: z
      .string()
      .regex(UPSTREAM_SECRET_PATTERN, "a Worker secret named UPSTREAM_<NAME>, such as UPSTREAM_OPENAI_KEY")
      .nullable()
      .default(null),
    /** connecting and receiving the response headers */
    timeoutMs: z.number().int().min(1).max(600_000).default(30_000),
    /** the longest silence between two body chunks */
    idleTimeoutMs: z.number().int().min(1).max(600_000).default(30_000),
    /** the whole answer, headers to last byte */
    totalTimeoutMs: z.number().int().min(1).max(3_600_000).default(300_000),
    weight: z.number().min(0).default(1),
    enabled: z.boolean().default(true),
  })
  .strict();
export type Upstream = z.infer<typeof UpstreamSchema>;
/** An upstream as the admin API accepts it (defaults not yet filled in). */
export type UpstreamInput = z.input<typeof UpstreamSchema>;

/** A library model: its architecture card plus where and under which name it is served. */
export const LibraryModelSchema = ModelCardSchema.extend({
  upstream: idSchema,
  /** the model name the upstream expects; null = the library id */
  upstreamModel: z.string().min(1).nullable().default(null),
  enabled: z.boolean().default(true),
}).strict();
export type LibraryModel = z.infer<typeof LibraryModelSchema>;

/** A named flag set, used by `model: "auto:<name>"`. A policy named "default" applies to plain "auto". */
export const PolicySchema = z
  .object({
    name: z.string().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/),
    flags: FlagsPatchSchema,
    description: z.string().max(500).nullable().default(null),
  })
  .strict();
export type Policy = z.infer<typeof PolicySchema>;

/** A library file as `switchyard library seed` reads it. */
export const LibraryFileSchema = z
  .object({
    upstreams: z.array(UpstreamSchema).default([]),
    models: z.array(LibraryModelSchema).default([]),
    policies: z.array(PolicySchema).default([]),
  })
  .strict()
  .superRefine((lib, ctx) => {
    const known = new Set(lib.upstreams.map((u) => u.id));
    lib.models.forEach((m, i) => {
      if (!known.has(m.upstream)) {
        ctx.addIssue({ code: "custom", path: ["models", i, "upstream"], message: `unknown upstream "${m.upstream}"` });
      }
    });
  });
export type LibraryFile = z.infer<typeof LibraryFileSchema>;

/**
 * What an API key may do: `infer` (chat and text completions), `route`, `models`, `feedback` on /v1, and
 * `admin` (the /admin API, as the ADMIN_TOKEN does). "completions", the old name of `infer`, is still read.
 */
export const ApiScopeSchema = z.union([
  z.enum(["infer", "route", "models", "feedback", "admin"]),
  z.literal("completions").transform(() => "infer" as const),
]);
export type ApiScope = z.output<typeof ApiScopeSchema>;
/** A new key's scopes when none are given: everything but admin. */
export const DEFAULT_SCOPES: readonly ApiScope[] = ["infer", "route", "models", "feedback"];

/** An API key as stored: never the key itself, only its SHA-256. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  scopes: ApiScope[];
  /** requests and tokens per minute (null = unlimited), enforced by src/edge/rate-limit/ */
  limits: KeyLimits;
  createdAt: number;
  revokedAt: number | null;
}

/** The models a request can go to: enabled, on an enabled upstream. */
export function servableModels(library: Library): LibraryModel[] {
  return library.models.filter((m) => m.enabled && library.upstreams.get(m.upstream)?.enabled);
}

/** Everything routing needs from D1, loaded together and cached per isolate. */
export interface Library {
  models: LibraryModel[];
  upstreams: Map<string, Upstream>;
  policies: Map<string, Policy>;
}
