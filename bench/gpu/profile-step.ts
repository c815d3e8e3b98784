/**
 * One decode step of a model on the CUDA backend, for a kernel profiler to time kernel by kernel (bench/gpu/run.sh
 * `profile` runs it under Nsight Compute on the H200):
 *   ncu --metrics gpu__time_duration.sum --csv deno run -A bench/gpu/profile-step.ts --model <dir>
 * It runs a 1-token forward and then one eager device step: the same ops twice, so the profile's second half is
 * one step's kernels. bench/gpu/profile-report.ts sums them per kernel.
 */
import { parseArgs } from "node:util";
import { createCudaOps } from "../../src/engine/backends/cuda/index.ts";
import { loadModelHost } from "../../src/engine/model-host.ts";

const { values } = parseArgs({ options: { model: { type: "string" } } });
if (!values.model) throw new Error("--model <dir> is required");
const host = await loadModelHost(values.model, createCudaOps());
const model = host.model;
const state = model.newState(8);
model.ops.configureSampler(state.next.sampler, { temperature: 0 });
model.sample(model.forward([1], state), state);
model.step(state);
console.log(`${host.id}: token ${(await model.ops.read(state.next.token))[0]}`);
