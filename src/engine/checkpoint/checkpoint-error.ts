/**
 * A checkpoint file that cannot be used as it is: missing, malformed, or disagreeing with what the model needs.
 * The message always starts with the file (and the tensor, when one is at fault) so a user can find it.
 * @example
 *   throw new CheckpointError("m/model.safetensors", "shape [4, 8] does not match the expected [8, 4]", "lm_head.weight");
 *   // message: m/model.safetensors: tensor "lm_head.weight": shape [4, 8] does not match the expected [8, 4]
 */
export class CheckpointError extends Error {
  override readonly name = "CheckpointError";

  constructor(
    readonly file: string,
    readonly problem: string,
    readonly tensor?: string,
  ) {
    super(tensor === undefined ? `${file}: ${problem}` : `${file}: tensor "${tensor}": ${problem}`);
  }
}
