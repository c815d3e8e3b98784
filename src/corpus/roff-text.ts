/**
 * A man page's roff source → its plain text, without groff, so the same page gives the same text on every
 * machine whether or not groff is installed, and whichever version. It reads the man(7) and mdoc(7) macros and
 * the escapes man pages use, fills paragraphs and wraps them at FILL_WIDTH columns (no-fill blocks such as
 * examples keep their lines), puts headings and list tags on lines of their own, takes the nroff branch of
 * `.if n`/`.if t`, and drops what only sets the layout (fonts, sizes, indents, registers, macro definitions,
 * pictures, equations).
 * It is an approximation of `man -Tutf8` for training text, not a typesetter.
 */
import { MDOC_CALLABLE, MDOC_NAMES, mdocLine, type MdocState } from "./mdoc-line.ts";
import { requestArguments, resolveEscapes } from "./roff-escapes.ts";

const PARAGRAPH = new Set(["PP", "LP", "P", "HP", "TP", "TQ", "Pp", "Lp", "Sp", "bP", "INDENT", "UNINDENT", "Bl", "El", "Bd", "Ed"]);
const HEADING = new Set(["SH", "SS", "Sh", "Ss"]);
const SPACED_FONT = new Set(["B", "I", "SM", "SB"]);
const ALTERNATING_FONT = new Set(["BR", "BI", "IB", "IR", "RB", "RI"]);
const DROPPED = new Set(["TH", "IX", "PD", "Dd", "Dt", "Os", "UC", "DT", "YS", "Bk", "Ek", "UE", "ME"]);
// Blocks read by preprocessors (pic, eqn) or that define macros: nothing in them is page text.
const SKIPPED_BLOCKS = new Map(Object.entries({ de: "..", de1: "..", am: "..", ig: "..", PS: ".PE", EQ: ".EN" }));

/** Width the filled paragraphs are wrapped to, as `man` does on an 80-column terminal. */
export const FILL_WIDTH = 78;

/** Collects a page's text: filled and wrapped paragraphs, or lines as they are in no-fill mode. */
class PageWriter {
  readonly lines: string[] = [];
  noFill = false;
  private words: string[] = [];

  text(t: string): void {
    if (this.noFill) this.lines.push(t);
    else this.words.push(...t.split(/\s+/).filter((w) => w !== ""));
  }

  /** Ends the paragraph being filled. */
  break(): void {
    let line = "";
    for (const w of this.words) {
      if (line !== "" && line.length + 1 + w.length > FILL_WIDTH) {
        this.lines.push(line);
        line = w;
      } else line = line === "" ? w : `${line} ${w}`;
    }
    if (line !== "") this.lines.push(line);
    this.words = [];
  }

  blank(): void {
    this.break();
    if (this.lines.length > 0 && this.lines[this.lines.length - 1] !== "") this.lines.push("");
  }

  /** A line of its own: a heading or a list item's tag. */
  line(t: string): void {
    this.break();
    if (t !== "") this.lines.push(t);
  }
}

const NO_FILL = new Set(["nf", "EX", "Vb"]);
// Requests and macros that end the line being filled without a blank line.
const BREAKS = new Set(["br", "RS", "RE", "in", "ti", "ce", "bp"]);
const FILL = new Set(["fi", "EE", "Ve"]);

/** Reads a whole page; the result still wants normaliseText. */
export function roffToText(source: string): string {
  const reader = new RoffReader();
  for (const raw of joinContinuations(source.split("\n"))) reader.line(raw);
  return reader.finish();
}

/** Lines with an escaped newline (an odd run of backslashes at the end) joined to the next, as roff reads them. */
function joinContinuations(lines: string[]): string[] {
  const out: string[] = [];
  let pending = "";
  for (const line of lines) {
    const joined = pending + line;
    const continues = (/\\+$/.exec(joined)?.[0].length ?? 0) % 2 === 1 && !joined.includes('\\"');
    if (continues) pending = joined.slice(0, -1);
    else {
      out.push(joined);
      pending = "";
    }
  }
  if (pending !== "") out.push(pending);
  return out;
}

/** The state of one page as its lines are read in order. */
class RoffReader {
  private readonly w = new PageWriter();
  private readonly page: MdocState = { name: "", spacing: true };
  private skipUntil: string | null = null; // the line that ends a skipped block (.de … ..)
  private skipDepth = 0; // open \{ of a conditional block being skipped
  private table: "format" | "body" | null = null;
  private lastIeTaken = false;
  private tagNext = false; // after .TP the next text line is the item's tag

  line(raw: string): void {
    if (this.skipDepth > 0) {
      this.skipDepth += count(raw, "\\{") - count(raw, "\\}");
      return;
    }
    if (this.skipUntil !== null) {
      if (raw.trim() === this.skipUntil || raw.startsWith(`${this.skipUntil} `)) this.skipUntil = null;
      return;
    }
    // A request's name ends at a blank or a backslash (`.el\{\`); a backslash first is a comment or `.\}`.
    const request = /^[.'][ \t]*([^\s\\]*)(.*)$/.exec(raw);
    if (request) this.request(request[1] ?? "", (request[2] ?? "").trim());
    else this.text(raw);
  }

  finish(): string {
    this.w.break();
    return this.w.lines.join("\n");
  }

  private text(raw: string): void {
    const w = this.w;
    if (this.table === "format") {
      if (raw.trimEnd().endsWith(".")) this.table = "body";
      return;
    }
    const row = this.table === "body" ? tableRow(raw) : raw;
    if (row === null) return;
    const text = resolveEscapes(row.replace(/\\}/g, ""));
    if (this.table === "body" || this.tagNext) w.line(text);
    else if (raw.trim() === "") w.blank();
    else {
      if (/^\s/.test(raw)) w.break(); // as in roff, a line that starts with a blank starts a new line
      w.text(text);
    }
    this.tagNext = false;
  }

  private request(name: string, rest: string): void {
    const w = this.w;
    if (name === "") return; // a lone dot, a comment, or `.\}` closing a block
    if (name === "if" || name === "ie" || name === "el") return this.conditional(name, rest);
    const blockEnd = SKIPPED_BLOCKS.get(name);
    if (blockEnd !== undefined) {
      this.skipUntil = name === "ig" && rest !== "" ? `.${rest}` : blockEnd;
    } else if (name === "TS" || name === "TE") {
      w.blank();
      this.table = name === "TS" ? "format" : null;
    } else if (NO_FILL.has(name) || FILL.has(name)) {
      w.break();
      w.noFill = NO_FILL.has(name);
    } else if (BREAKS.has(name)) {
      w.break();
    } else if (name === "sp") {
      w.blank();
    } else if (name === "Sm") {
      this.page.spacing = rest !== "off";
    } else if (!DROPPED.has(name) && !/^[a-z]/.test(name)) {
      // Lowercase names are requests that only set layout (.ft .in .ne .nr .ds …).
      this.macro(name, requestArguments(rest));
    }
  }

  /** `.if c body`, `.ie c body` and `.el body`: the nroff branch is taken; a body is a line or a \{ block. */
  private conditional(name: string, rest: string): void {
    const cond = name === "el" ? "" : (/^\S*/.exec(rest)?.[0] ?? "");
    const taken = name === "el" ? !this.lastIeTaken : !(cond === "t" || cond === "!n");
    if (name === "ie") this.lastIeTaken = taken;
    let body = rest.slice(cond.length).trim();
    const opens = count(body, "\\{") - count(body, "\\}");
    if (!taken) {
      if (opens > 0) this.skipDepth = opens;
      return;
    }
    body = body.replace(/^\\\{/, "").trim();
    if (body !== "") this.line(body);
  }

  private macro(name: string, args: string[]): void {
    const w = this.w;
    const page = this.page;
    if (HEADING.has(name)) {
      w.blank();
      w.line(resolveEscapes(args.join(" ")));
      w.blank();
    } else if (PARAGRAPH.has(name) || name === "IP" || name === "It") {
      w.blank();
      w.line(name === "IP" ? resolveEscapes(args[0] ?? "") : name === "It" ? mdocLine(args, page) : "");
      this.tagNext = name === "TP" || name === "TQ";
    } else if (SPACED_FONT.has(name)) {
      w.text(resolveEscapes(args.join(" ")));
    } else if (ALTERNATING_FONT.has(name)) {
      w.text(resolveEscapes(args.join("")));
    } else if (name === "OP") {
      w.text(`[${resolveEscapes(args.join(" "))}]`);
    } else if (name === "Nd") {
      w.text(`— ${mdocLine(args, page)}`);
    } else if (name === "Dl" || name === "D1") {
      w.line(mdocLine(args, page));
    } else if (MDOC_CALLABLE.has(name) || MDOC_NAMES.has(name)) {
      w.text(mdocLine([name, ...args], page));
    } else {
      // A page's own macro (or UR, MT, SY): what it is given is usually text.
      w.text(resolveEscapes(args.join(" ")));
    }
  }
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** A tbl(1) data row: a rule row is dropped, T{ and T} (multi-line cell marks) go. */
function tableRow(raw: string): string | null {
  if (/^\s*[_=]\s*$/.test(raw)) return null;
  return raw.replace(/T[{}]/g, "");
}
