// fast-check generators for the routing property tests: valid cards (checked by ModelCardSchema), libraries,
// prompts and flags.
import fc from "fast-check";
import { CAPABILITIES, type Capability } from "../../src/routing/capabilities.ts";
import { FlagsSchema, type Flags } from "../../src/routing/flags.ts";
import { ModelCardSchema, type Family, type ModelCard } from "../../src/routing/model-card.ts";

const familyArb = fc.constantFrom<Family>("ssm", "hybrid", "transformer");
const ARCHITECTURES = { ssm: "MambaForCausalLM", hybrid: "JambaForCausalLM", transformer: "LlamaForCausalLM" };

/** Layer counts consistent with the family: all attention, none, or a mix with at least one of each. */
function layersArb(family: Family): fc.Arbitrary<{ layers: number; attentionLayers: number }> {
  if (family === "transformer") return fc.integer({ min: 1, max: 96 }).map((l) => ({ layers: l, attentionLayers: l }));
  if (family === "ssm") return fc.integer({ min: 1, max: 96 }).map((l) => ({ layers: l, attentionLayers: 0 }));
  return fc
    .integer({ min: 2, max: 96 })
    .chain((l) => fc.integer({ min: 1, max: l - 1 }).map((a) => ({ layers: l, attentionLayers: a })));
}

const dateArb = fc
  .integer({ min: Date.UTC(2019, 0, 1), max: Date.UTC(2026, 11, 31) })
  .map((ms) => new Date(ms).toISOString().slice(0, 10));

const calibrationArb = fc.option(
  fc.record({
    prefillTokPerS: fc.integer({ min: 10, max: 50_000 }),
    decodeTokPerS: fc.integer({ min: 1, max: 500 }),
    measuredAtTokens: fc.integer({ min: 1, max: 32_768 }),
  }),
  { nil: null },
);

/** Any set of capabilities, in any order: what a card declares or a request needs. */
export const capabilitiesArb: fc.Arbitrary<Capability[]> = fc.shuffledSubarray([...CAPABILITIES]);

/** A valid card of the given family (or any), with a given id. */
export function cardArb(id: string, familyChoice: fc.Arbitrary<Family> = familyArb): fc.Arbitrary<ModelCard> {
  return familyChoice.chain((family) =>
    fc
      .record({
        shape: layersArb(family),
        params: fc.integer({ min: 10, max: 200_000 }).map((m) => m * 1_000_000),
        // a mixture of experts runs a share of its params per token; undefined = dense
        activeShare: fc.option(fc.double({ min: 0.01, max: 1, noNaN: true }), { nil: undefined }),
        dModel: fc.integer({ min: 64, max: 16_384 }),
        dState: fc.constantFrom(16, 64, 128),
        kvHeads: fc.integer({ min: 1, max: 64 }),
        headDim: fc.constantFrom(32, 64, 128, 256),
        contextLength: fc.constantFrom(2048, 4096, 8192, 32_768, 131_072, 262_144),
        releasedAt: dateArb,
        bytesPerParam: fc.constantFrom(1, 2, 4),
        priceInputPerMTok: fc.double({ min: 0, max: 20, noNaN: true }),
        priceOutputPerMTok: fc.double({ min: 0, max: 60, noNaN: true }),
        calibration: calibrationArb,
        qualityPrior: fc.double({ min: 0, max: 1, noNaN: true }),
        capabilities: capabilitiesArb,
      })
      .map(({ shape, ...r }) => {
        const hasSsm = family !== "transformer";
        const hasAttn = family !== "ssm";
        return ModelCardSchema.parse({
          id,
          family,
          architecture: ARCHITECTURES[family],
          params: r.params,
          ...(r.activeShare === undefined ? {} : { activeParams: Math.max(1, Math.floor(r.params * r.activeShare)) }),
          layers: shape.layers,
          attentionLayers: shape.attentionLayers,
          dModel: r.dModel,
          dInner: hasSsm ? 2 * r.dModel : 0,
          dState: hasSsm ? r.dState : 0,
          kvHeads: hasAttn ? r.kvHeads : 0,
          headDim: hasAttn ? r.headDim : 0,
          contextLength: r.contextLength,
          releasedAt: r.releasedAt,
          bytesPerParam: r.bytesPerParam,
          priceInputPerMTok: r.priceInputPerMTok,
          priceOutputPerMTok: r.priceOutputPerMTok,
          calibration: r.calibration,
          qualityPrior: r.qualityPrior,
          capabilities: r.capabilities,
        });
      }),
  );
}

/** 1–8 cards with distinct ids m0, m1, … */
export const libraryArb: fc.Arbitrary<ModelCard[]> = fc
  .integer({ min: 1, max: 8 })
  .chain((k) => fc.tuple(...Array.from({ length: k }, (_, i) => cardArb(`m${i}`))));

export const promptArb = fc.record({
  promptTokens: fc.integer({ min: 1, max: 200_000 }),
  maxTokens: fc.integer({ min: 1, max: 4096 }),
});

/** Predicted quality for every card of a library. */
export function qualityArb(cards: ModelCard[]): fc.Arbitrary<Record<string, number>> {
  return fc
    .tuple(...cards.map(() => fc.double({ min: 0, max: 1, noNaN: true })))
    .map((qs) => Object.fromEntries(cards.map((c, i) => [c.id, qs[i] as number])));
}

// Either off or a usable weight: subnormal λ (5e-324) would underflow λ·penalty to 0 and blur exact claims.
const lambdaArb = fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 5, noNaN: true }));

/** λ weights only, no constraints. */
export const weightsArb: fc.Arbitrary<Flags> = fc
  .record({
    quality: lambdaArb,
    size: lambdaArb,
    recency: lambdaArb,
    latency: lambdaArb,
    cost: lambdaArb,
    memory: lambdaArb,
  })
  .map((w) => FlagsSchema.parse(w));

/** λ weights plus any mix of hard constraints, naming ids that may or may not be in the library. */
export const flagsArb: fc.Arbitrary<Flags> = fc
  .record(
    {
      weights: weightsArb,
      max_params: fc.integer({ min: 1, max: 200_000 }).map((m) => m * 1_000_000),
      families: fc.subarray<Family>(["ssm", "hybrid", "transformer"], { minLength: 1 }),
      min_context: fc.constantFrom(1024, 4096, 32_768, 200_000),
      max_latency_ms: fc.double({ min: 1, max: 1e6, noNaN: true }),
      max_cost: fc.double({ min: 0, max: 1, noNaN: true }),
      allow: fc.uniqueArray(fc.constantFrom("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "x"), { minLength: 1 }),
      deny: fc.uniqueArray(fc.constantFrom("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "x")),
    },
    { requiredKeys: ["weights"] },
  )
  .map(({ weights, ...constraints }) => FlagsSchema.parse({ ...weights, ...constraints }));

/** A request's models list: distinct ids, some of them (x, y) in no library. */
export const modelListArb: fc.Arbitrary<string[]> = fc.uniqueArray(
  fc.constantFrom("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "x", "y"),
  { minLength: 1 },
);

export const NOW = new Date("2026-06-01T00:00:00Z");
