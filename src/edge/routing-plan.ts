/** Turns a request's model field, flags and prompt into a ranked list of upstream targets. */
import { servableModels, type Library, type LibraryModel, type Policy, type Upstream } from "../db/records.ts";
import { unmetCapabilities } from "../routing/capabilities.ts";
import { decide, type Decision } from "../routing/decide.ts";
import { parseFlagsBody, parseFlagsHeader, resolveFlags, type Flags } from "../routing/flags.ts";
import { listedCards } from "../routing/model-list.ts";
import { priorPredictor, type QualityPredictor } from "../routing/quality-predictor.ts";
import { EdgeError } from "./edge-error.ts";
import type { PromptView } from "./openai-request.ts";
import { errorText, logEvent } from "./log.ts";
import type { CapabilityUse } from "./request-capabilities.ts";

/** The policy plain "auto" uses when the library has one by this name. */
export const DEFAULT_POLICY = "default";

/** A model and the upstream that serves it. */
export interface Target {
  model: LibraryModel;
  upstream: Upstream;
}

/** The routing outcome of one request. */
export interface RoutePlan {
  decision: Decision;
  flags: Flags;
  /** every feasible candidate, best first (the proxy bounds how many it sends to) */
  targets: Target[];
  routerVersion: string;
}

/** What planRoute needs from the request. */
export interface RouteInput {
  library: Library;
  /** the request's `model`: "auto", "auto:<policy>" or a library id */
  model: string;
  /** the x-switchyard-flags header, if sent */
  flagsHeader: string | undefined;
  /** the body's `routing` object, if sent */
  flagsBody: unknown;
  /** the body's `models` list, if sent */
  models: string[] | undefined;
  /** the optional capabilities the request uses */
  uses: CapabilityUse[];
  prompt: PromptView;
  predictor: QualityPredictor;
  now: Date;
}

/**
 * Resolves flags (body over header over policy), predicts quality, runs the Tryage decision over the models
 * that have every capability the request uses, in the order of its models list when it has one.
 * `routerVersion` names the predictor actually used (the card prior when the router failed).
 * @throws EdgeError unknown_policy, model_not_found, no_feasible_model; FlagError for bad flags.
 */
export async function planRoute(input: RouteInput): Promise<RoutePlan> {
  const { library, model } = input;
  const policy = policyFor(library, model);
  const flags = resolveFlags({
    ...(policy ? { policy: policy.flags } : {}),
    ...(input.flagsHeader !== undefined ? { header: parseFlagsHeader(input.flagsHeader) } : {}),
    ...(input.flagsBody !== undefined ? { body: parseFlagsBody(input.flagsBody) } : {}),
  });
  const servable = servableModels(library);
  const list = modelList(model, input.models);
  const cards = isAuto(model) || list ? servable : [namedModel(servable, model)];
  if (cards.length === 0) throw new EdgeError("no_feasible_model", "the library has no enabled model to route to");

  const { quality, version } = await predictOrPrior(input.predictor, input.prompt.text, cards);
  const needs = input.uses.map((u) => u.capability);
  const decision = decide({
    cards,
    quality,
    flags,
    prompt: { promptTokens: input.prompt.promptTokens, maxTokens: input.prompt.maxTokens },
    now: input.now,
    needs,
    ...(list ? { list } : {}),
  });
  if (decision.chosen === null) {
    // A capability no model it may go to has is the client's to drop, so the 400 names the field that uses it.
    const unmet = unmetCapabilities(listedCards(cards, list), needs);
    const param = input.uses.find((u) => unmet.includes(u.capability))?.param ?? null;
    throw new EdgeError("no_feasible_model", `no model meets the routing constraints: ${decision.reasons.join("; ")}`, param);
  }
  const byId = new Map(cards.map((m) => [m.id, m]));
  const targets = decision.candidates.map((c) => {
    const m = byId.get(c.id) as LibraryModel;
    return { model: m, upstream: library.upstreams.get(m.upstream) as Upstream };
  });
  return { decision, flags, targets, routerVersion: version };
}

/** The predictor's qualities, or the card priors when it fails: a broken router never fails a request. */
async function predictOrPrior(predictor: QualityPredictor, text: string, cards: LibraryModel[]) {
  try {
    return { quality: await predictor.predict(text, cards), version: predictor.version };
  } catch (err) {
    logEvent("error", `router ${predictor.version} failed, this request uses the card prior: ${errorText(err)}`, { router_version: predictor.version });
    return { quality: await priorPredictor.predict(text, cards), version: priorPredictor.version };
  }
}

/**
 * Whether the predicted quality can change the choice: for "auto" over the library it does; a named model and a
 * models list fix the order themselves, so the learned router need not run (nor load).
 */
export function ranksByQuality(model: string, models: string[] | undefined): boolean {
  return isAuto(model) && models === undefined;
}

/** The preference order: a named model first (OpenRouter's primary), then the `models` list. */
function modelList(model: string, models: string[] | undefined): string[] | undefined {
  if (models === undefined) return undefined;
  return isAuto(model) ? models : [model, ...models.filter((id) => id !== model)];
}

function isAuto(model: string): boolean {
  return model === "auto" || model.startsWith("auto:");
}

function policyFor(library: Library, model: string): Policy | undefined {
  if (model === "auto") return library.policies.get(DEFAULT_POLICY);
  if (!model.startsWith("auto:")) return undefined;
  const name = model.slice("auto:".length);
  const policy = library.policies.get(name);
  if (!policy) {
    const known = [...library.policies.keys()].sort().join(", ") || "none";
    throw new EdgeError("unknown_policy", `unknown routing policy "${name}" (known: ${known})`, "model");
  }
  return policy;
}

function namedModel(servable: LibraryModel[], id: string): LibraryModel {
  const m = servable.find((x) => x.id === id);
  if (!m) {
    throw new EdgeError(
      "model_not_found",
      `model "${id}" is not in the library or is disabled (use "auto", "auto:<policy>" or an id from /v1/models)`,
      "model",
    );
  }
  return m;
}
