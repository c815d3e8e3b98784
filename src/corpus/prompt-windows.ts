/**
 * Prompts for calibrating and evaluating the router, cut from the corpus's held-out documents. Each held-out
 * document goes whole to calibration or to evaluation, by a hash of its id alone (salt "calibration"), so
 * `router eval` scores prompts from documents that neither the experts' training nor the router's calibration
 * saw. A prompt is a window of whole lines of one document.
 */
import { z } from "zod";
import { corpusDomainSchema, type CorpusDomain } from "./select-documents.ts";
import { hashUnit } from "./split-assignment.ts";

export const promptSplitSchema = z.enum(["calibration", "eval"]);
export type PromptSplit = z.infer<typeof promptSplitSchema>;

/** One prompt record: what `switchyard calibrate --prompts` and the eval read (task = the domain). */
export const promptRecordSchema = z.strictObject({
  id: z.string(),
  task: corpusDomainSchema,
  split: promptSplitSchema,
  prompt: z.string().min(1),
});
export type PromptRecord = z.infer<typeof promptRecordSchema>;

export interface WindowOptions {
  /** most characters in a prompt; a window ends at the last line end that fits */
  maxChars: number;
  /** windows shorter than this are left out (a document's short tail) */
  minChars: number;
  /** most windows taken from one document, from its start */
  perDocument: number;
  /** share of held-out documents that go to calibration; the rest to evaluation */
  calibrationShare: number;
}

export const DEFAULT_WINDOWS: WindowOptions = { maxChars: 1200, minChars: 200, perDocument: 4, calibrationShare: 0.5 };

/** Where held-out document `id` goes. */
export function promptSplitOf(id: string, calibrationShare: number): PromptSplit {
  return hashUnit("calibration", id) < calibrationShare ? "calibration" : "eval";
}

/** The text cut into consecutive windows of whole lines, each at most maxChars (a longer line is cut hard). */
export function lineWindows(text: string, maxChars: number): string[] {
  const windows: string[] = [];
  let rest = text;
  while (rest.length > 0) {
    let end = rest.length <= maxChars ? rest.length : rest.lastIndexOf("\n", maxChars - 1) + 1;
    if (end <= 0) {
      // a line longer than a window: cut it, but never between the halves of a surrogate pair
      const high = rest.charCodeAt(maxChars - 1);
      end = maxChars > 1 && high >= 0xd800 && high <= 0xdbff ? maxChars - 1 : maxChars;
    }
    windows.push(rest.slice(0, end));
    rest = rest.slice(end);
  }
  return windows;
}

/** The prompt records of the held-out documents, in their order. */
export function promptRecords(docs: readonly { id: string; domain: CorpusDomain; text: string }[], opts: WindowOptions): PromptRecord[] {
  return docs.flatMap((doc) => {
    const split = promptSplitOf(doc.id, opts.calibrationShare);
    return lineWindows(doc.text, opts.maxChars)
      .map((w) => w.trim())
      .filter((w) => w.length >= opts.minChars)
      .slice(0, opts.perDocument)
      .map((prompt, k) => ({ id: `${doc.id}#${k}`, task: doc.domain, split, prompt }));
  });
}
