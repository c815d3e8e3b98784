import { describe, expect, it } from "vitest";
import { BackendMismatchError, cpuOps as ops } from "../../../src/engine/backends/cpu/index.ts";
import { ShapeError } from "../../../src/engine/shape-check.ts";
import { narrowToBf16, narrowToF16 } from "../../../src/engine/checkpoint/half-float.ts";
import { createSampler } from "../../../src/engine/sampling.ts";
import type { Ops } from "../../../src/engine/ops.ts";
import { storedF32, tensor, type HostTensor, type StoredTensor, type Tensor } from "../../../src/engine/tensor.ts";
import { randomTensor, rng } from "./random-tensor.ts";

const t = (shape: number[], values: number[]) => tensor(shape, Float32Array.from(values));

/** ln softmax(row)[target] in f64. */
function logSoftmax(row: ArrayLike<number>, target: number): number {
  const xs = Array.from(row);
  const max = Math.max(...xs);
  return xs[target]! - max - Math.log(xs.reduce((s, v) => s + Math.exp(v - max), 0));
}

describe("cpu crossings: weight, tokens, read", () => {
  /** Ops.weight as every backend takes it (a stored tensor and its use), on the CPU. */
  const weight = (t: StoredTensor, use: "matrix" | "vector") => (ops as Ops).weight(t, use) as HostTensor;

  it("weight widens f16 and bf16 to f32 and keeps f32 as stored", () => {
    const values = Float32Array.from([1.5, -2, 0.25, 65504]);
    expect(Array.from(weight(storedF32(tensor([2, 2], values)), "matrix").data)).toEqual(Array.from(values));
    expect(weight(storedF32(tensor([2, 2], values)), "vector").shape).toEqual([2, 2]);
    expect(Array.from(weight({ shape: [4], dtype: "F16", values: narrowToF16(values) }, "vector").data)).toEqual([1.5, -2, 0.25, 65504]);
    const bf16 = Float32Array.from([1.5, -2, 0.25, 256]); // exact in bf16's 8-bit mantissa
    expect(Array.from(weight({ shape: [2, 2], dtype: "BF16", values: narrowToBf16(bf16) }, "matrix").data)).toEqual([1.5, -2, 0.25, 256]);
    expect(() => weight({ shape: [3], dtype: "F32", values }, "vector")).toThrow(RangeError);
  });

  it("tokens holds ids [n] exactly and refuses ids outside [0, 2^24)", async () => {
    const ids = ops.tokens([0, 7, (1 << 24) - 1]);
    expect(ids.shape).toEqual([3]);
    expect(Array.from(await ops.read(ids))).toEqual([0, 7, (1 << 24) - 1]);
    expect(() => ops.tokens([1 << 24])).toThrow(RangeError);
    expect(() => ops.tokens([1.5])).toThrow(RangeError);
    expect(() => ops.tokens([-1])).toThrow(RangeError);
  });

  it("read returns a copy of the values", async () => {
    const x = t([2], [1, 2]);
    const out = await ops.read(x);
    out[0] = 9;
    expect(Array.from(x.data)).toEqual([1, 2]);
  });
});

describe("cpu state ops: zeros, positions, advance, steps", () => {
  it("reports no device memory (the CPU computes in host memory)", () => {
    expect(ops.memory()).toBeNull();
  });

  it("zeros makes a zero tensor of the shape", () => {
    const z = ops.zeros([2, 3]);
    expect(z.shape).toEqual([2, 3]);
    expect(Array.from(z.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("a position starts at 0 and advance adds n", async () => {
    const pos = ops.newPosition();
    expect(pos.shape).toEqual([1]);
    expect(Array.from(await ops.read(pos))).toEqual([0]);
    ops.advance(pos, 5);
    ops.advance(pos, 1);
    expect(Array.from(await ops.read(pos))).toEqual([6]);
    expect(() => ops.advance(t([1], [0.5]), 1)).toThrow(/pos must be one integer/);
  });

  it("beginStep is a no-op and replay runs the step every time", () => {
    let runs = 0;
    const key = {};
    ops.beginStep();
    for (let i = 0; i < 3; i++) ops.replay(key, () => void runs++);
    expect(runs).toBe(3);
  });
});

describe("cpu views: reshape, rows", () => {
  const x = t([3, 2, 2], Array.from({ length: 12 }, (_, i) => i));

  it("reshape keeps the elements in order and refuses another size", () => {
    const y = ops.reshape(x, [6, 2]);
    expect(y.shape).toEqual([6, 2]);
    expect(Array.from(y.data)).toEqual(Array.from(x.data));
    expect(y.data.buffer).toBe(x.data.buffer); // a view, not a copy
    expect(() => ops.reshape(x, [5, 2])).toThrow(ShapeError);
  });

  it("rows takes [start, start + count) of the first dim and refuses ranges outside it", () => {
    const r = ops.rows(x, 1, 2);
    expect(r.shape).toEqual([2, 2, 2]);
    expect(Array.from(r.data)).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    expect(Array.from(ops.rows(x, 0, 1).data)).toEqual([0, 1, 2, 3]);
    expect(ops.rows(x, 3, 0).shape).toEqual([0, 2, 2]);
    expect(() => ops.rows(x, 2, 2)).toThrow(/outside 3 rows/);
    expect(() => ops.rows(x, -1, 1)).toThrow(ShapeError);
    expect(() => ops.rows(x, 0.5, 1)).toThrow(ShapeError);
  });
});

describe("tokenLogprobs", () => {
  it("gives ln softmax(logits[i])[targets[i]] for every row, large logits included", () => {
    const logits = randomTensor(rng(31), [4, 9], -8, 8);
    logits.data.set([1000, 999, 998], 9); // row 1: exp would overflow without the max subtracted
    const targets = [3, 0, 8, 5];
    const got = ops.tokenLogprobs(logits, ops.tokens(targets));
    expect(got.shape).toEqual([4]);
    targets.forEach((target, i) => {
      const want = logSoftmax(logits.data.subarray(i * 9, i * 9 + 9), target);
      expect(got.data[i]).toBe(Math.fround(want));
    });
  });

  it("refuses targets of another length or outside the vocabulary", () => {
    const logits = randomTensor(rng(32), [2, 5]);
    expect(() => ops.tokenLogprobs(logits, ops.tokens([1]))).toThrow(ShapeError);
    expect(() => ops.tokenLogprobs(logits, ops.tokens([1, 5]))).toThrow(/target 5 is outside \[0, 5\)/);
  });
});

describe("sample", () => {
  const draw = (logits: Tensor, slot: ReturnType<typeof ops.newSampler>) => {
    const [token, logprob] = [ops.zeros([1]), ops.zeros([1])];
    ops.sample(logits as ReturnType<typeof ops.zeros>, slot, token, logprob);
    return { token: token.data[0]!, logprob: logprob.data[0]! }; // host tensors: the values as sample wrote them
  };

  it("greedy picks the argmax (lowest index on ties) with its log-softmax as the logprob", () => {
    const slot = ops.newSampler();
    ops.configureSampler(slot, { temperature: 0 });
    const logits = t([1, 6], [0.5, 2, -1, 3.25, 3.25, 0]);
    const { token, logprob } = draw(logits, slot);
    expect(token).toBe(3);
    expect(logprob).toBe(Math.fround(logSoftmax(logits.data, 3)));
  });

  it("reports ln p(token) under the temperature-1 softmax whatever the settings", () => {
    const slot = ops.newSampler();
    ops.configureSampler(slot, { temperature: 0.5, topK: 3, seed: 4 });
    const logits = randomTensor(rng(33), [1, 12], -3, 3);
    for (let i = 0; i < 10; i++) {
      const { token, logprob } = draw(logits, slot);
      expect(logprob).toBe(Math.fround(logSoftmax(logits.data, token)));
    }
  });

  it("draws reproducibly for a seed (the tokens createSampler draws), and differently for another", () => {
    const logits = t([1, 50], Array.from({ length: 50 }, (_, i) => Math.sin(i)));
    const run = (seed: number) => {
      const slot = ops.newSampler();
      ops.configureSampler(slot, { temperature: 1, topP: 0.95, seed });
      return Array.from({ length: 40 }, () => draw(logits, slot).token);
    };
    const host = createSampler({ temperature: 1, topP: 0.95, seed: 7 });
    expect(run(7)).toEqual(run(7));
    expect(run(7)).toEqual(Array.from({ length: 40 }, () => host(logits.data)));
    expect(run(7)).not.toEqual(run(8));
  });

  it("reconfiguring a slot reseeds its stream", () => {
    const logits = t([1, 50], Array.from({ length: 50 }, (_, i) => Math.cos(i)));
    const slot = ops.newSampler();
    ops.configureSampler(slot, { temperature: 1, seed: 3 });
    const first = Array.from({ length: 20 }, () => draw(logits, slot).token);
    ops.configureSampler(slot, { temperature: 1, seed: 3 });
    expect(Array.from({ length: 20 }, () => draw(logits, slot).token)).toEqual(first);
  });

  it("refuses bad settings, an unconfigured slot and more than one row", () => {
    expect(() => ops.configureSampler(ops.newSampler(), { temperature: -1 })).toThrow(RangeError);
    expect(() => draw(t([1, 3], [0, 1, 2]), ops.newSampler())).toThrow(/not configured/);
    const slot = ops.newSampler();
    ops.configureSampler(slot, { temperature: 0 });
    expect(() => draw(t([2, 3], [0, 1, 2, 3, 4, 5]), slot)).toThrow(ShapeError);
    expect(() => draw(t([1, 2], [0, Number.NaN]), slot)).toThrow(/NaN/);
  });
});

describe("backend ownership", () => {
  /** A tensor some other backend made: a shape and an opaque buffer, no host data. */
  const foreign = (shape: number[]) => ({ shape, backend: "webgpu", buffer: {} }) as unknown as ReturnType<typeof ops.zeros>;

  it("every op refuses a tensor it does not own, naming its owner", () => {
    const x = t([2, 3], [1, 2, 3, 4, 5, 6]);
    expect(() => ops.linear(foreign([2, 3]), t([4, 3], new Array(12).fill(0)))).toThrow(BackendMismatchError);
    expect(() => ops.linear(x, foreign([4, 3]))).toThrow(/linear: got a tensor of webgpu/);
    expect(() => ops.read(foreign([1]))).toThrow(BackendMismatchError);
    expect(() => ops.add(x, foreign([2, 3]))).toThrow(BackendMismatchError);
    expect(() => ops.advance(foreign([1]), 1)).toThrow(BackendMismatchError);
    expect(() => ops.rope(foreign([1, 1, 2]), ops.newPosition(), t([1], [1]), 1)).toThrow(BackendMismatchError);
    const cache = ops.newKvCache(1, 2, 4);
    expect(() => ops.kvAppend(cache, foreign([1, 2]), t([1, 2], [0, 0]), ops.newPosition())).toThrow(BackendMismatchError);
    expect(() => ops.attention(t([1, 1, 2], [0, 0]), cache, foreign([1]), 1)).toThrow(BackendMismatchError);
    const slot = ops.newSampler();
    ops.configureSampler(slot, { temperature: 0 });
    expect(() => ops.sample(foreign([1, 3]), slot, ops.zeros([1]), ops.zeros([1]))).toThrow(BackendMismatchError);
    expect(() => ops.sample(t([1, 3], [0, 1, 2]), slot, foreign([1]), ops.zeros([1]))).toThrow(BackendMismatchError);
    expect(() => ops.tokenLogprobs(t([1, 3], [0, 1, 2]), foreign([1]))).toThrow(BackendMismatchError);
  });

  it("is an Error named BackendMismatchError, and a foreign tensor without an owner is still refused", () => {
    const err = (() => {
      try {
        ops.exp({ shape: [1] } as unknown as ReturnType<typeof ops.zeros>);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(BackendMismatchError);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe("BackendMismatchError");
    expect((err as Error).message).toMatch(/exp: got a tensor of another backend/);
  });
});
