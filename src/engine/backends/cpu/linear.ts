import { tensor, type HostTensor } from "../../tensor.ts";
import { dotProduct } from "./dot-product.ts";
import { linearDims } from "../../op-shapes.ts";
import { dims2, expectShape, ShapeError } from "../../shape-check.ts";

/** Rows of x handled together, so each weight row is read once per block instead of once per row. */
const ROW_BLOCK = 4;

/**
 * y = x·Wᵀ (+ b): x [n, k], w [m, k], b [m] → [n, m]. Both operands are walked along contiguous rows; a block of
 * four input rows shares every pair of weight rows read (the weights dominate memory traffic for decode and
 * prefill), and the eight running sums keep the multiply-adds independent.
 */
export function linear(x: HostTensor, w: HostTensor, b?: HostTensor): HostTensor {
  const { n, k, m } = linearDims(x, w, b);
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
    let o = 0;
    // 4 rows × 2 outputs: eight independent sums per pass, six loads for eight multiply-adds
    for (; o + 2 <= m; o += 2) {
      const wa = o * k;
      const wb = wa + k;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let b0 = 0;
      let b1 = 0;
      let b2 = 0;
      let b3 = 0;
      for (let j = 0; j < k; j++) {
        const va = wd[wa + j]!;
        const vb = wd[wb + j]!;
        const x0j = xd[x0 + j]!;
        const x1j = xd[x1 + j]!;
        const x2j = xd[x2 + j]!;
        const x3j = xd[x3 + j]!;
        a0 += x0j * va;
        a1 += x1j * va;
        a2 += x2j * va;
        a3 += x3j * va;
        b0 += x0j * vb;
        b1 += x1j * vb;
        b2 += x2j * vb;
        b3 += x3j * vb;
      }
      const ba = bd ? bd[o]! : 0;
      const bb = bd ? bd[o + 1]! : 0;
      out[i * m + o] = a0 + ba;
      out[(i + 1) * m + o] = a1 + ba;
      out[(i + 2) * m + o] = a2 + ba;
      out[(i + 3) * m + o] = a3 + ba;
      out[i * m + o + 1] = b0 + bb;
      out[(i + 1) * m + o + 1] = b1 + bb;
      out[(i + 2) * m + o + 1] = b2 + bb;
      out[(i + 3) * m + o + 1] = b3 + bb;
    }
    for (; o < m; o++) {
      const bias = bd ? bd[o]! : 0;
      out[i * m + o] = dotProduct(xd, x0, wd, o * k, k) + bias;
      out[(i + 1) * m + o] = dotProduct(xd, x1, wd, o * k, k) + bias;
      out[(i + 2) * m + o] = dotProduct(xd, x2, wd, o * k, k) + bias;
      out[(i + 3) * m + o] = dotProduct(xd, x3, wd, o * k, k) + bias;
    }
  }
  for (; i < n; i++) {
    const xo = i * k;
    let o = 0;
    // 1 row × 4 outputs (decode): the x value loaded once feeds four independent sums
    for (; o + 4 <= m; o += 4) {
      const w0 = o * k;
      const w1 = w0 + k;
      const w2 = w1 + k;
      const w3 = w2 + k;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < k; j++) {
        const xv = xd[xo + j]!;
        s0 += xv * wd[w0 + j]!;
        s1 += xv * wd[w1 + j]!;
        s2 += xv * wd[w2 + j]!;
        s3 += xv * wd[w3 + j]!;
      }
      out[i * m + o] = s0 + (bd ? bd[o]! : 0);
      out[i * m + o + 1] = s1 + (bd ? bd[o + 1]! : 0);
      out[i * m + o + 2] = s2 + (bd ? bd[o + 2]! : 0);
      out[i * m + o + 3] = s3 + (bd ? bd[o + 3]! : 0);
    }
    for (; o < m; o++) out[i * m + o] = dotProduct(xd, xo, wd, o * k, k) + (bd ? bd[o]! : 0);
  }
  return tensor([n, m], out);
}

/** Rows of an embedding table: table [v, d], ids → [n, d]. An id outside [0, v) is a RangeError. */
export function embedding(table: HostTensor, ids: HostTensor): HostTensor {
  const [v, d] = dims2("embedding", "table", table);
  if (ids.shape.length !== 1) throw new ShapeError(`embedding: ids must be rank 1, got [${ids.shape}]`);
  const out = new Float32Array(ids.data.length * d);
  ids.data.forEach((id, i) => {
    if (!Number.isInteger(id) || id < 0 || id >= v) throw new RangeError(`embedding: token id ${id} is outside [0, ${v})`);
    out.set(table.data.subarray(id * d, id * d + d), i * d);
  });
  return tensor([ids.data.length, d], out);
}

/** Columns [start, start + width) of every row: x [n, k] → [n, width]. */
export function sliceCols(x: HostTensor, start: number, width: number): HostTensor {
  const [n, k] = dims2("sliceCols", "x", x);
  if (start < 0 || width < 0 || start + width > k) throw new ShapeError(`sliceCols: [${start}, ${start + width}) outside ${k} columns`);
  const out = new Float32Array(n * width);
  for (let i = 0; i < n; i++) out.set(x.data.subarray(i * k + start, i * k + start + width), i * width);
  return tensor([n, width], out);
}

/** Rows of x by index: x [n, d], rows [m] → [m, d]. */
export function gatherRows(x: HostTensor, rows: Int32Array): HostTensor {
  const [n, d] = dims2("gatherRows", "x", x);
  const out = new Float32Array(rows.length * d);
  rows.forEach((r, i) => {
    if (r < 0 || r >= n) throw new ShapeError(`gatherRows: row ${r} outside [0, ${n})`);
    out.set(x.data.subarray(r * d, r * d + d), i * d);
  });
  return tensor([rows.length, d], out);
}

/** out[rows[i]] += weights[i] · src[i], in place: out [n, d], src [m, d]. */
export function scatterAddRows(out: HostTensor, src: HostTensor, rows: Int32Array, weights: Float32Array): void {
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
