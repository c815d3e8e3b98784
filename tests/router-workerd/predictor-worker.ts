import { createOnnxPredictor } from "../../src/router/onnx-predictor.ts";
import type { ModelCard } from "../../src/routing/model-card.ts";
import type { QualityPredictor } from "../../src/routing/quality-predictor.ts";

interface PredictBody {
  /** the router graph; may be left out once this isolate holds `version` */
  onnx_base64?: string;
  version: string;
  model_ids: string[];
  cards: ModelCard[];
  prompts: string[];
  /** predict each prompt this many times (latency runs); the answer holds the last round */
  repeat?: number;
}

let cached: { version: string; predictor: QualityPredictor } | null = null;

/** POST / {onnx_base64?, version, model_ids, cards, prompts} → {qualities: Record<model, q>[]} from createOnnxPredictor. */
export default {
  async fetch(request: Request): Promise<Response> {
    if (request.method !== "POST") return new Response("ok");
    const body = (await request.json()) as PredictBody;
    if (cached?.version !== body.version) {
      if (!body.onnx_base64) return Response.json({ error: `no router '${body.version}' loaded; send onnx_base64` }, { status: 409 });
      const onnx = Uint8Array.from(atob(body.onnx_base64), (c) => c.charCodeAt(0));
      cached = { version: body.version, predictor: await createOnnxPredictor(onnx, { version: body.version, modelIds: body.model_ids }) };
    }
    let qualities: Record<string, number>[] = [];
    for (let r = 0; r < (body.repeat ?? 1); r++) qualities = await Promise.all(body.prompts.map((p) => (cached as { predictor: QualityPredictor }).predictor.predict(p, body.cards)));
    return Response.json({ version: cached.version, qualities });
  },
};
