import { featurize } from "../../src/router/features.ts";
import type { OutcomeRow } from "../../src/router/outcome-set.ts";
import type { TrainExample } from "../../src/router/train.ts";
import { seededRandom } from "../../src/engine/seeded-random.ts";

const MATH = ["What is 17 times 23?", "Solve for x: 3x + 5 = 20.", "Compute the sum of 45 and 78.", "How much is 12 squared minus 7?", "Divide 144 by 12 and add 9.", "If a train goes 60 km in 2 hours, what is its speed?"];
const POEM = ["Write a short poem about the autumn sea.", "Compose a haiku about falling leaves.", "Write verses about love and the moon.", "A sonnet about a quiet winter morning, please.", "Pen a ballad of a lonely lighthouse keeper.", "Write a poem about rain on the old roof."];

/**
 * A small outcome set where the best model depends on the prompt: model "math" is good at arithmetic and bad
 * at poems, "poet" the reverse, and "generalist" middling at both. Scores are noisy 0/1 draws.
 */
export function syntheticRows(n: number, seed: number, models = ["math", "poet", "generalist"]): OutcomeRow[] {
  const rand = seededRandom(seed);
  const p: Record<string, [number, number]> = { math: [0.9, 0.15], poet: [0.15, 0.9], generalist: [0.55, 0.55], newcomer: [0.95, 0.05] };
  return Array.from({ length: n }, (_, i) => {
    const isMath = i % 2 === 0;
    const pool = isMath ? MATH : POEM;
    const prompt = `${pool[Math.floor(rand() * pool.length)]} (case ${Math.floor(rand() * 1000)})`;
    const scores = Float32Array.from(models, (m) => (rand() < (p[m] ?? [0.5, 0.5])[isMath ? 0 : 1] ? 1 : 0));
    return { prompt, task: isMath ? "math" : "poem", scores, costs: Float32Array.from(models, (_m, k) => [3, 3, 1, 3][k] ?? 1) };
  });
}

/** Training examples from rows: features and the measured scores as targets. */
export function toExamples(rows: OutcomeRow[]): TrainExample[] {
  return rows.map((r) => ({ x: featurize(r.prompt), y: r.scores }));
}
