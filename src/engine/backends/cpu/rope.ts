import { tensor, type HostTensor } from "../../tensor.ts";
import { positionOf } from "./attention.ts";
import { dims3, ShapeError } from "../../shape-check.ts";

/**
 * Rotary embedding, HF rotate_half convention, on the first r = 2·|invFreq| dims of each head (the rest pass
 * through): x [n, h, hd], positions pos … pos+n−1 → [n, h, hd]. Angles are rounded to f32 as HF computes them.
 */
export function rope(x: HostTensor, pos: HostTensor, invFreq: HostTensor, attentionScaling: number): HostTensor {
  const [n, nh, hd] = dims3("rope", "x", x);
  const start = positionOf("rope", pos);
  const half = invFreq.data.length;
  if (2 * half > hd) throw new ShapeError(`rope: rotary dim ${2 * half} exceeds head dim ${hd}`);
  const out = new Float32Array(x.data);
  const cos = new Float32Array(half);
  const sin = new Float32Array(half);
  for (let t = 0; t < n; t++) {
    const pos = Math.fround(start + t);
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(invFreq.data[i]! * pos);
      cos[i] = Math.cos(angle) * attentionScaling;
      sin[i] = Math.sin(angle) * attentionScaling;
    }
    for (let hh = 0; hh < nh; hh++) {
      const o = (t * nh + hh) * hd;
      for (let i = 0; i < half; i++) {
        const a = x.data[o + i]!;
        const b = x.data[o + i + half]!;
        out[o + i] = a * cos[i]! - b * sin[i]!;
        out[o + i + half] = b * cos[i]! + a * sin[i]!;
      }
    }
  }
  return tensor([n, nh, hd], out);
}
