import { tensor, type Tensor } from "../../tensor.ts";
import { dotProduct } from "./dot-product.ts";
import { dims2, expectShape, ShapeError } from "./shape-check.ts";

/** Rows of x handled together, so each weight row is read once per block instead of once per row. */
const ROW_BLOCK = 4;

/**
 * y = x·Wᵀ (+ b): x [n, k], w [m, k], b [m] → [n, m]. Both operands are walked along contiguous rows; a block of
 * four input rows shares every weight row read (the weights dominate memory traffic for decode and prefill).
 */
export function linear(x: Tensor, w: Tensor, b?: Tensor): Tensor {
  const [n, k] = dims2("linear", "x", x);
  const [m, kw] = dims2("linear", "w", w);
  if (kw !== k) throw new ShapeError(`linear: x [${x.shape}] and w [${w.shape}] disagree on k`);
  if (b) expectShape("linear", "b", b, [m]);
  const xd = x.data;
  const wd = w.data;
  const bd = b?.data;
  const out = new Float32Array(n * m);
  let i = 0;
  for (; i + ROW_BLOCK <= n; i += ROW_BLOCK) {
    const x0 = i * k;
    const x1 = x0 + k;
    const x2 = x1 + k;
    const x3 = x2 + k;
    for (let o = 0; o < m; o++) {
      const wo = o * k;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < k; j++) {
        const wv = wd[wo + j]!;
        s0 += xd[x0 + j]! * wv;
        s1 += xd[x1 + j]! * wv;
        s2 += xd[x2 + j]! * wv;
        s3 += xd[x3 + j]! * wv;
      }
      const bias = bd ? bd[o]! : 0;
      out[i * m + o] = s0 + bias;
      out[(i + 1) * m + o] = s1 + bias;
      out[(i + 2) * m + o] = s2 + bias;
      out[(i + 3) * m + o] = s3 + bias;
    }
  }
  for (; i < n; i++) {
    for (let o = 0; o < m; o++) out[i * m + o] = dotProduct(xd, i * k, wd, o * k, k) + (bd ? bd[o]! : 0);
  }
  return tensor([n, m], out);
}

/** Rows of an embedding table: table [v, d], ids → [n, d]. An id outside [0, v) is a RangeError. */
export function embedding(table: Tensor, ids: readonly number[]): Tensor {
  const [v, d] = dims2("embedding", "table", table);
  const out = new Float32Array(ids.length * d);
  ids.forEach((id, i) => {
    if (!Number.isInteger(id) || id < 0 || id >= v) throw new RangeError(`embedding: token id ${id} is outside [0, ${v})`);
    out.set(table.data.subarray(id * d, id * d + d), i * d);
  });
  return tensor([ids.length, d], out);
}

/** Columns [start, start + width) of every row: x [n, k] → [n, width]. */
export function sliceCols(x: Tensor, start: number, width: number): Tensor {
  const [n, k] = dims2("sliceCols", "x", x);
  if (start < 0 || width < 0 || start + width > k) throw new ShapeError(`sliceCols: [${start}, ${start + width}) outside ${k} columns`);
  const out = new Float32Array(n * width);
  for (let i = 0; i < n; i++) out.set(x.data.subarray(i * k + start, i * k + start + width), i * width);
  return tensor([n, width], out);
}

/** Rows of x by index: x [n, d], rows [m] → [m, d]. */
export function gatherRows(x: Tensor, rows: Int32Array): Tensor {
  const [n, d] = dims2("gatherRows", "x", x);
  const out = new Float32Array(rows.length * d);
  rows.forEach((r, i) => {
    if (r < 0 || r >= n) throw new ShapeError(`gatherRows: row ${r} outside [0, ${n})`);
    out.set(x.data.subarray(r * d, r * d + d), i * d);
  });
  return tensor([rows.length, d], out);
}

/** out[rows[i]] += weights[i] · src[i], in place: out [n, d], src [m, d]. */
export function scatterAddRows(out: Tensor, src: Tensor, rows: Int32Array, weights: Float32Array): void {
  const [n, d] = dims2("scatterAddRows", "out", out);
  expectShape("scatterAddRows", "src", src, [rows.length, d]);
  if (weights.length !== rows.length) throw new ShapeError("scatterAddRows: rows and weights differ in length");
  const od = out.data;
  const sd = src.data;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r < 0 || r >= n) throw new ShapeError(`scatterAddRows: row ${r} outside [0, ${n})`);
    const wgt = weights[i]!;
    const o = r * d;
    const s = i * d;
    for (let j = 0; j < d; j++) od[o + j] = od[o + j]! + wgt * sd[s + j]!;
  }
}
