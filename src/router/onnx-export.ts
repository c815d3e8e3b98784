import { FEATURE_DIM, FEATURE_VERSION } from "./features.ts";
import type { RouterModel } from "./mf-model.ts";
import { float32Bytes, ProtoMessage } from "./protobuf-writer.ts";

/** Names of the graph's input and output, read by the predictor. */
export const ONNX_INPUT = "features";
export const ONNX_OUTPUT = "quality";

// onnx.proto field numbers (ONNX 1.x): only the ones this graph uses.
const TENSOR_FLOAT = 1;
const IR_VERSION = 8;
const OPSET = 17;

function tensor(name: string, dims: number[], values: Float32Array): ProtoMessage {
  const t = new ProtoMessage();
  for (const d of dims) t.int(1, d); // dims
  return t.int(2, TENSOR_FLOAT).string(8, name).bytes(9, float32Bytes(values)); // data_type, name, raw_data
}

function valueInfo(name: string, dims: (number | string)[]): ProtoMessage {
  const shape = new ProtoMessage();
  for (const d of dims) shape.message(1, typeof d === "number" ? new ProtoMessage().int(1, d) : new ProtoMessage().string(2, d));
  const tensorType = new ProtoMessage().int(1, TENSOR_FLOAT).message(2, shape);
  return new ProtoMessage().string(1, name).message(2, new ProtoMessage().message(1, tensorType));
}

function node(op: string, inputs: string[], output: string): ProtoMessage {
  const n = new ProtoMessage();
  for (const i of inputs) n.string(1, i);
  return n.string(2, output).string(3, `${op}_${output}`).string(4, op);
}

/** [M, K] → [K, M] so the graph computes e·Vᵀ as one MatMul. */
function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c] ?? 0;
  return out;
}

/**
 * Serialises the router as an ONNX model: features [N, D] → quality [N, M] through
 * MatMul+Add → Relu → MatMul+Add (embedding) → MatMul+Add → Sigmoid. f32 weights as raw_data;
 * metadata_props carry the feature recipe and the model ids so a file explains itself.
 */
export function exportOnnx(model: RouterModel, version: string): Uint8Array {
  const { hidden: H, embed: K, modelIds } = model;
  const M = modelIds.length;
  const graph = new ProtoMessage()
    .message(1, node("MatMul", [ONNX_INPUT, "w1"], "h_lin"))
    .message(1, node("Add", ["h_lin", "b1"], "h_pre"))
    .message(1, node("Relu", ["h_pre"], "h"))
    .message(1, node("MatMul", ["h", "w2"], "e_lin"))
    .message(1, node("Add", ["e_lin", "b2"], "embedding"))
    .message(1, node("MatMul", ["embedding", "v_t"], "z_lin"))
    .message(1, node("Add", ["z_lin", "b"], "logit"))
    .message(1, node("Sigmoid", ["logit"], ONNX_OUTPUT))
    .string(2, "switchyard_router")
    .message(5, tensor("w1", [FEATURE_DIM, H], model.w1))
    .message(5, tensor("b1", [H], model.b1))
    .message(5, tensor("w2", [H, K], model.w2))
    .message(5, tensor("b2", [K], model.b2))
    .message(5, tensor("v_t", [K, M], transpose(model.v, M, K)))
    .message(5, tensor("b", [M], model.b))
    .message(11, valueInfo(ONNX_INPUT, ["N", FEATURE_DIM]))
    .message(12, valueInfo(ONNX_OUTPUT, ["N", M]));
  const meta = (k: string, v: string) => new ProtoMessage().string(1, k).string(2, v);
  return new ProtoMessage()
    .int(1, IR_VERSION)
    .string(2, "switchyard")
    .string(3, version)
    .message(7, graph)
    .message(8, new ProtoMessage().string(1, "").int(2, OPSET))
    .message(14, meta("feature_version", FEATURE_VERSION))
    .message(14, meta("model_ids", JSON.stringify(modelIds)))
    .finish();
}
