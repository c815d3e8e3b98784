/**
 * `switchyard records export`: pages through the edge's GET /admin/outcomes/export and writes the feedback
 * of decisions that kept their prompt (STORE_PROMPTS=true) as JSON Lines outcome records, the file
 * `switchyard router train --records` reads.
 */
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { adminToken } from "../admin-token.ts";
import { integerOption, parseCommandArgs, usageError } from "../command-args.ts";

/** Response header the edge sets while more pages remain (src/edge/routes/admin-outcomes.ts). */
const NEXT_CURSOR_HEADER = "x-switchyard-next-cursor";

const usage = `usage: switchyard records export --edge <url> [options]
  --edge <url>          the edge: GET <url>/admin/outcomes/export
  --admin-token <tok>   the edge's ADMIN_TOKEN            [$ADMIN_TOKEN, else ADMIN_TOKEN in .dev.vars]
  --since <time>        only outcomes from this time on: ms since the epoch or an ISO date
  --source <name>       only outcomes of this source, e.g. feedback or score
  --page-size <n>       records per request, 1..10000     [1000]
  --out <file.jsonl>    where to write                    [stdout]`;

function parseSince(value: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isSafeInteger(ms) || ms < 0) throw usageError(`--since takes ms since the epoch or an ISO date, got ${JSON.stringify(value)}`, usage);
  return ms;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** What to export and from where. */
export interface ExportOptions {
  edge: string;
  adminToken: string;
  since?: number;
  source?: string;
  pageSize: number;
}

/**
 * Fetches every page in order and hands each page's NDJSON text to `write`.
 * @returns how many records and pages were read
 */
export async function exportRecords(opts: ExportOptions, write: (ndjson: string) => Promise<void>): Promise<{ records: number; pages: number }> {
  const base = `${opts.edge.replace(/\/$/, "")}/admin/outcomes/export`;
  let cursor: string | null = null;
  let records = 0;
  let pages = 0;
  do {
    const query = new URLSearchParams({ limit: String(opts.pageSize) });
    if (opts.since !== undefined) query.set("since", String(opts.since));
    if (opts.source !== undefined) query.set("source", opts.source);
    if (cursor !== null) query.set("cursor", cursor);
    const url = `${base}?${query}`;
    const res = await fetch(url, { headers: { authorization: `Bearer ${opts.adminToken}` }, signal: AbortSignal.timeout(60_000) });
    const text = await res.text();
    if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status} ${text.slice(0, 500)}`);
    await write(text);
    records += text.split("\n").filter((l) => l !== "").length;
    pages++;
    cursor = res.headers.get(NEXT_CURSOR_HEADER);
  } while (cursor !== null);
  return { records, pages };
}

/** Runs the command. */
export async function run(argv: string[]): Promise<void> {
  const args = parseCommandArgs(argv, usage, {
    options: {
      edge: { type: "string" },
      "admin-token": { type: "string" },
      since: { type: "string" },
      source: { type: "string" },
      "page-size": { type: "string", default: "1000" },
      out: { type: "string" },
    },
  });
  if (!args) return;
  const { values } = args;
  if (!values.edge) throw usageError("give --edge <url>", usage);
  const opts: ExportOptions = {
    edge: values.edge,
    adminToken: await adminToken(values["admin-token"], usage),
    since: values.since === undefined ? undefined : parseSince(values.since),
    source: values.source,
    pageSize: integerOption("page-size", values["page-size"], usage, { max: 10_000 }),
  };

  if (!values.out) {
    const { records, pages } = await exportRecords(opts, async (text) => {
      if (!process.stdout.write(text)) await once(process.stdout, "drain");
    });
    console.error(`exported ${records} records in ${plural(pages, "page")}`);
    return;
  }
  // Written next to the target and renamed at the end, so a failed export never leaves a partial file behind.
  const partial = `${values.out}.part`;
  const file = createWriteStream(partial);
  try {
    const { records, pages } = await exportRecords(opts, async (text) => {
      if (!file.write(text)) await once(file, "drain");
    });
    file.end();
    await once(file, "finish");
    await rename(partial, values.out);
    console.error(`exported ${records} records in ${plural(pages, "page")} to ${values.out}`);
  } catch (err) {
    file.destroy();
    await rm(partial, { force: true });
    throw err;
  }
}
