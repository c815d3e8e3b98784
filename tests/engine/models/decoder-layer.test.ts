import { describe, expect, it } from "vitest";
import { cpuOps } from "../../../src/engine/backends/cpu/index.ts";
import { createModel } from "../../../src/engine/models/registry.ts";
import { readFixture } from "./read-fixture.ts";

describe("decoder layers check the state they are given", () => {
  it("rejects a state whose layer kinds differ, though its layer count matches, and leaves it untouched", async () => {
    const llama = await readFixture("llama");
    const mamba = await readFixture("mamba");
    const transformer = createModel(llama, cpuOps);
    const ssmModel = createModel(mamba, cpuOps);
    const ssmState = ssmModel.newState();
    expect(ssmState.layers).toHaveLength(transformer.newState().layers.length);
    expect(() => transformer.forward([1, 2], ssmState)).toThrow(/layer 0 state does not match the layer kind/);
    expect(ssmState.length).toBe(0);
    const first = ssmState.layers[0]!;
    expect(first.kind === "ssm" && (await ssmModel.ops.read(first.ssm)).every((v) => v === 0)).toBe(true);
  });
});
