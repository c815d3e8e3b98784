import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as routing from "../../src/routing/index.ts";
import { priorPredictor } from "../../src/routing/quality-predictor.ts";
import { libraryArb } from "./arbitraries.ts";

describe("priorPredictor", () => {
  it("predicts each card's qualityPrior, whatever the prompt", async () => {
    await fc.assert(
      fc.asyncProperty(libraryArb, fc.string(), async (cards, prompt) => {
        const predicted = await priorPredictor.predict(prompt, cards);
        expect(predicted).toEqual(Object.fromEntries(cards.map((c) => [c.id, c.qualityPrior])));
      }),
      { numRuns: 100 },
    );
    expect(priorPredictor.version).toBe("prior");
  });
});

describe("src/routing/index.ts", () => {
  it("exports the public API other parts code against", () => {
    const names = [
      "ModelCardSchema",
      "FlagsSchema",
      "FlagsPatchSchema",
      "parseFlagsHeader",
      "parseFlagsBody",
      "resolveFlags",
      "FlagError",
      "flagErrorFromZod",
      "estimateCost",
      "estimatePromptTokens",
      "paretoFront",
      "priorPredictor",
      "decide",
      "DecisionSchema",
    ];
    for (const name of names) expect(routing, name).toHaveProperty(name);
  });
});
