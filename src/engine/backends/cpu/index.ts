import type { Ops } from "../../ops.ts";
import { attention, kvAppend, newKvCache } from "./attention.ts";
import { conv1dCausal } from "./conv1d.ts";
import { add, addBias, clamp, exp, mul, scale, silu, siluMul, softmax, softplus, topk } from "./elementwise.ts";
import { embedding, gatherRows, linear, scatterAddRows, sliceCols } from "./linear.ts";
import { gatedRmsnorm, rmsnorm } from "./norm.ts";
import { rope } from "./rope.ts";
import { selectiveScan } from "./selective-scan.ts";
import { ssdScan } from "./ssd-scan.ts";

/** The CPU backend: plain TypeScript, f32 storage, the reference every other backend is tested against. */
export const cpuOps: Ops = {
  linear,
  embedding,
  sliceCols,
  rmsnorm,
  gatedRmsnorm,
  silu,
  softplus,
  exp,
  scale,
  addBias,
  clamp,
  add,
  mul,
  siluMul,
  softmax,
  topk,
  conv1dCausal,
  selectiveScan,
  ssdScan,
  rope,
  newKvCache,
  kvAppend,
  attention,
  gatherRows,
  scatterAddRows,
};
