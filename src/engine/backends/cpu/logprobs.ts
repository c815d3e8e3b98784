import { tensor, type HostTensor } from "../../tensor.ts";
import { dims2, ShapeError } from "../../shape-check.ts";

/** ln softmax(row)[target], in f64 with the max subtracted first so large logits cannot overflow. */
export function logSoftmaxAt(logits: Float32Array, offset: number, vocab: number, target: number): number {
  let max = -Infinity;
  for (let j = 0; j < vocab; j++) max = Math.max(max, logits[offset + j] ?? -Infinity);
  let sum = 0;
  for (let j = 0; j < vocab; j++) sum += Math.exp((logits[offset + j] ?? -Infinity) - max);
  return (logits[offset + target] ?? -Infinity) - max - Math.log(sum);
}

/** ln softmax(logits[i])[targets[i]] per row: logits [n, v], targets [n] → [n]. */
export function tokenLogprobs(logits: HostTensor, targets: HostTensor): HostTensor {
  const [n, v] = dims2("tokenLogprobs", "logits", logits);
  if (targets.shape.length !== 1 || targets.shape[0] !== n) throw new ShapeError(`tokenLogprobs: targets must be [${n}], got [${targets.shape}]`);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = targets.data[i]!;
    if (!Number.isInteger(t) || t < 0 || t >= v) throw new RangeError(`tokenLogprobs: target ${t} is outside [0, ${v})`);
    out[i] = logSoftmaxAt(logits.data, i * v, v, t);
  }
  return tensor([n], out);
}
