import type { CausalLM, ModelState } from "./models/causal-lm.ts";
import type { Tensor } from "./tensor.ts";

/**
 * The decode loop's device side: runs decode steps and reads their sampled tokens back in batches, k steps
 * (Ops.stepsPerRead) between two reads. Each step samples on the device into state.next.token, which the next
 * step embeds, so a batch needs no host round trip: after each step the token is copied into a ring [k]
 * (Ops.copyRow) and the ring is read once. With k = 1 every token is read straight from state.next.token.
 *
 * The first batch is the token prefill sampled, alone: time to first token stays one read after prefill.
 * A batch never runs past the tokens the caller still wants, nor steps past the state's capacity. The tokens
 * come out in the order and with the values a read per step gives (the device sampler's stream advances once a
 * step either way); a caller that ends inside a batch drops the rest, with the state advanced past them.
 * Used by generate() and measureThroughput(), so calibration times the loop the tier runs.
 */
export class DecodeBatches {
  readonly stepsPerRead: number;
  private readonly ring: Tensor | null;
  /** state.next.token holds a token no batch has taken yet (the one prefill sampled) */
  private fresh = true;

  /** `state` must have had its first token sampled (model.sample after the prefill forward). */
  constructor(
    private readonly model: CausalLM,
    private readonly state: ModelState,
    stepsPerRead = model.ops.stepsPerRead,
  ) {
    if (!Number.isSafeInteger(stepsPerRead) || stepsPerRead < 1) throw new RangeError(`stepsPerRead must be an integer ≥ 1, got ${stepsPerRead}`);
    this.stepsPerRead = stepsPerRead;
    this.ring = stepsPerRead > 1 ? model.ops.zeros([stepsPerRead]) : null;
  }

  /**
   * Runs the steps of the next batch of at most `want` (≥ 1) tokens, awaits `beforeRead` (a server's pause: the
   * device works meanwhile where launches are asynchronous), then reads the batch: its token ids, in order.
   */
  async next(want: number, beforeRead?: () => Promise<void>): Promise<number[]> {
    const { model, state } = this;
    const { ops } = model;
    // the steps a batch may take: one per token, but for the token prefill sampled; at least one, so that a
    // state already full fails in model.step as a read per step would
    const roomForSteps = Math.max(1, state.capacity - state.length);
    const count = this.fresh ? 1 : Math.max(1, Math.min(this.stepsPerRead, want, roomForSteps));
    for (let j = 0; j < count; j++) {
      if (!this.fresh) model.step(state);
      this.fresh = false;
      if (count > 1) ops.copyRow(this.ring!, state.next.token, j);
    }
    await beforeRead?.();
    const ids = await ops.read(count > 1 ? this.ring! : state.next.token);
    return Array.from(ids.subarray(0, count));
  }
}
