import type { RouterModel } from "./mf-model.ts";

/**
 * Merges same-shaped routers (e.g. trained with different seeds) into one RouterModel whose logit is the
 * mean of theirs: hidden units side by side, a block-diagonal W2, embeddings side by side and each model's
 * vector scaled by 1/n. The result is an ordinary RouterModel, so the ONNX export, the TS forward pass and
 * the Worker predictor run the ensemble unchanged.
 */
export function mergeEnsemble(members: RouterModel[]): RouterModel {
  const first = members[0];
  if (!first) throw new Error("mergeEnsemble: no models");
  const n = members.length;
  const { hidden: H, embed: K, modelIds } = first;
  const M = modelIds.length;
  for (const m of members) {
    if (m.hidden !== H || m.embed !== K || m.modelIds.join("\n") !== modelIds.join("\n")) throw new Error("mergeEnsemble: members differ in shape or model ids");
  }
  const D = first.w1.length / H;
  const HN = H * n;
  const KN = K * n;
  const w1 = new Float32Array(D * HN);
  const b1 = new Float32Array(HN);
  const w2 = new Float32Array(HN * KN);
  const b2 = new Float32Array(KN);
  const v = new Float32Array(M * KN);
  const b = new Float32Array(M);
  members.forEach((mm, k) => {
    for (let d = 0; d < D; d++) w1.set(mm.w1.subarray(d * H, (d + 1) * H), d * HN + k * H);
    b1.set(mm.b1, k * H);
    for (let j = 0; j < H; j++) w2.set(mm.w2.subarray(j * K, (j + 1) * K), (k * H + j) * KN + k * K);
    b2.set(mm.b2, k * K);
    for (let m = 0; m < M; m++) {
      for (let c = 0; c < K; c++) v[m * KN + k * K + c] = (mm.v[m * K + c] ?? 0) / n;
      b[m] = (b[m] ?? 0) + (mm.b[m] ?? 0) / n;
    }
  });
  return { hidden: HN, embed: KN, modelIds: [...modelIds], w1, b1, w2, b2, v, b };
}
