import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { CheckpointError } from "./checkpoint-error.ts";
import { parsePythonJson } from "./python-json.ts";
import { openTensorStore, type TensorStore } from "./tensor-store.ts";
import { type ExtraEos, loadTokenizer, type TextTokenizer } from "./tokenizer.ts";

export type { TensorStore } from "./tensor-store.ts";

/** A Hugging Face model directory, loaded: what the model graph, the tokenizer and the server need. */
export interface Checkpoint<Tok extends TextTokenizer | null = TextTokenizer> {
  dir: string;
  /** config.json as written; each model graph parses its own keys strictly */
  config: Record<string, unknown>;
  tensors: TensorStore;
  tokenizer: Tok;
  /** chat_template.jinja, else tokenizer_config.json's chat_template; null when the checkpoint has none */
  chatTemplate: string | null;
  generationConfig: Record<string, unknown> | null;
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as { code?: unknown }).code === "ENOENT") return null;
    throw new CheckpointError(path, `cannot be read (${err instanceof Error ? err.message : String(err)})`);
  }
}

/** Reads a JSON object file; null when absent and optional. */
async function readJsonObject(path: string, required: boolean): Promise<Record<string, unknown> | null> {
  const text = await readText(path);
  if (text === null) {
    if (required) throw new CheckpointError(path, "is missing");
    return null;
  }
  let value: unknown;
  try {
    value = parsePythonJson(text);
  } catch (err) {
    throw new CheckpointError(path, `is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new CheckpointError(path, "is not a JSON object");
  return value as Record<string, unknown>;
}

/** tokenizer_config.json's chat_template: a string, or a list of named templates of which "default" is used. */
function templateOf(tokenizerConfig: Record<string, unknown> | null, file: string): string | null {
  const t = tokenizerConfig?.chat_template;
  if (t === undefined || t === null) return null;
  if (typeof t === "string") return t;
  if (Array.isArray(t)) {
    const named = t.filter((e): e is { name: string; template: string } => typeof e?.name === "string" && typeof e?.template === "string");
    if (named.length === t.length) {
      const chosen = named.find((e) => e.name === "default");
      if (chosen) return chosen.template;
      throw new CheckpointError(file, `chat_template lists ${named.map((e) => e.name).join(", ")} but no "default"`);
    }
  }
  throw new CheckpointError(file, "chat_template must be a string or a list of {name, template}");
}

/** End-of-sequence ids a generation stops at: generation_config.json's, else config.json's eos_token_id. */
function eosIdsOf(config: Record<string, unknown>, generationConfig: Record<string, unknown> | null): ExtraEos {
  const fromGeneration = generationConfig?.eos_token_id;
  const [value, file] = fromGeneration !== undefined ? [fromGeneration, "generation_config.json"] : [config.eos_token_id, "config.json"];
  if (value === undefined || value === null) return { ids: [], file };
  const list = Array.isArray(value) ? value : [value];
  for (const id of list) {
    if (!Number.isSafeInteger(id) || (id as number) < 0) throw new CheckpointError(file, `eos_token_id ${JSON.stringify(value)} is not a non-negative integer or a list of them`);
  }
  return { ids: list as number[], file };
}

/** Puts the directory in front of the bare file names loadTokenizer reports. */
function inDir(dir: string, err: unknown): unknown {
  return err instanceof CheckpointError ? new CheckpointError(join(dir, err.file), err.problem, err.tensor) : err;
}

/**
 * Loads a Hugging Face model directory: config.json, safetensors weights (single or sharded), tokenizer.json
 * with tokenizer_config.json, chat template and generation_config.json. Anything missing or malformed throws
 * CheckpointError naming the file (and tensor). Pass `{ tokenizer: "optional" }` to accept a directory without
 * tokenizer.json (tokenizer is then null).
 * @example
 *   const ckpt = await loadCheckpoint(".switchyard/models/demo-llama");
 *   const embed = ckpt.tensors.get("model.embed_tokens.weight", [512, 256]);
 */
export async function loadCheckpoint(dir: string): Promise<Checkpoint>;
export async function loadCheckpoint(dir: string, opts: { tokenizer: "optional" }): Promise<Checkpoint<TextTokenizer | null>>;
export async function loadCheckpoint(dir: string, opts?: { tokenizer: "optional" }): Promise<Checkpoint<TextTokenizer | null>> {
  const config = (await readJsonObject(join(dir, "config.json"), true)) as Record<string, unknown>;
  const generationConfig = await readJsonObject(join(dir, "generation_config.json"), false);
  const tokenizerJson = await readJsonObject(join(dir, "tokenizer.json"), opts?.tokenizer !== "optional");
  const tokenizerConfigPath = join(dir, "tokenizer_config.json");
  const tokenizerConfig = await readJsonObject(tokenizerConfigPath, false);
  const chatTemplate = (await readText(join(dir, "chat_template.jinja"))) ?? templateOf(tokenizerConfig, tokenizerConfigPath);

  let tokenizer: TextTokenizer | null = null;
  if (tokenizerJson) {
    try {
      tokenizer = loadTokenizer(tokenizerJson, tokenizerConfig, eosIdsOf(config, generationConfig));
    } catch (err) {
      throw inDir(dir, err);
    }
  }
  const tensors = await openTensorStore(dir);
  return { dir, config, tensors, tokenizer, chatTemplate, generationConfig };
}
