/**
 * A man page's roff source → its plain text, without groff, so the same page gives the same text on every
 * machine whether or not groff is installed, and whichever version. It reads the man(7) and mdoc(7) macros and
 * the escapes man pages use, fills paragraphs and wraps them at FILL_WIDTH columns (no-fill blocks such as
 * examples keep their lines), puts headings and list tags on lines of their own, takes the nroff branch of
 * `.if n`/`.if t`, and drops what only sets the layout (fonts, sizes, indents, registers, macro definitions,
 * pictures, equations).
 * It is an approximation of `man -Tutf8` for training text, not a typesetter.
 */

/** Named glyphs, as `\(xx` and `\[xx]` (groff_char(7)); an unknown name becomes nothing. */
const GLYPHS = new Map(Object.entries({
  em: "—", en: "–", hy: "-", mi: "-", aq: "'", dq: '"', lq: "“", rq: "”", oq: "‘", cq: "’", bu: "•",
  co: "©", rg: "®", tm: "™", mu: "×", di: "÷", de: "°", "+-": "±", ga: "`", aa: "´", ti: "~", ha: "^",
  ba: "|", br: "|", rs: "\\", sl: "/", "<=": "≤", ">=": "≥", "!=": "≠", "->": "→", "<-": "←", "**": "*",
  fo: "‹", fc: "›", Fo: "«", Fc: "»", ss: "ß", "'e": "é", "`e": "è", ":u": "ü", ":o": "ö", ":a": "ä", ps: "¶",
  sc: "§", ct: "¢", Po: "£", Eu: "€", eu: "€", "12": "½", "14": "¼", "34": "¾", pi: "π", no: "¬", OK: "✓",
}));

/** Strings as `\*x`, `\*(xx`, `\*[name]`: those man(7) and pod2man define; others become nothing. */
const STRINGS = new Map(Object.entries({
  lq: "“", rq: "”", R: "®", Tm: "™", Aq: "'", "C+": "C++", 'L"': "“", 'R"': "”", "C`": "‘", "C'": "’",
}));

const ESCAPE =
  /\\(?:["#].*$|f(?:\[[^\]]*\]|\(..|.)|s[+-]?(?:\[[^\]]*\]|\(\d\d|\d)|\((..)|\[([^\]]*)\]|\*(?:\[([^\]]*)\]|\((..)|(.))|[nkgmMFYV$][+-]?(?:\[[^\]]*\]|\(..|.)|[hvwlLoXZbDNCRSx]'[^']*'|([\s\S])?)/gm;

/** A line of roff text with its escapes resolved. */
export function resolveEscapes(line: string): string {
  return line.replace(ESCAPE, (_whole, glyph2?: string, glyphLong?: string, strLong?: string, str2?: string, str1?: string, single?: string) => {
    if (glyph2 !== undefined) return GLYPHS.get(glyph2) ?? "";
    if (glyphLong !== undefined) return namedGlyph(glyphLong);
    const str = strLong ?? str2 ?? str1;
    if (str !== undefined) return STRINGS.get(str) ?? "";
    // \f, \s, \n and the like take an argument and leave nothing; so do comments and a trailing backslash.
    return single === undefined ? "" : singleEscape(single);
  });
}

function namedGlyph(name: string): string {
  const unicode = /^u([0-9A-Fa-f]{4,6})(?:_[0-9A-Fa-f_]+)?$/.exec(name);
  if (unicode?.[1]) return String.fromCodePoint(Number.parseInt(unicode[1], 16));
  return GLYPHS.get(name) ?? "";
}

function singleEscape(c: string): string {
  switch (c) {
    case "e":
    case "E":
    case "\\":
      return "\\";
    case " ":
    case "~":
    case "0":
      return " ";
    case "t":
      return "\t";
    case "'":
      return "´";
    default:
      // \& \| \^ \: \% \c \) \/ \, \d \u \{ \} \a \p \r \z are zero-width or layout only; \- \. \` and
      // the rest stand for their character.
      return /[&|^:%c)/,duar{}pz]/.test(c) ? "" : c;
  }
}

/** A request's arguments: blank-separated, double quotes group ("" inside quotes is a quote). */
export function requestArguments(rest: string): string[] {
  const args: string[] = [];
  const re = /"((?:[^"]|"")*)"?|(\S+)/g;
  for (const m of rest.matchAll(re)) args.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : (m[2] ?? ""));
  return args;
}

const PARAGRAPH = new Set(["PP", "LP", "P", "HP", "TP", "TQ", "Pp", "Lp", "Sp", "bP", "INDENT", "UNINDENT", "Bl", "El", "Bd", "Ed"]);
const HEADING = new Set(["SH", "SS", "Sh", "Ss"]);
const SPACED_FONT = new Set(["B", "I", "SM", "SB"]);
const ALTERNATING_FONT = new Set(["BR", "BI", "IB", "IR", "RB", "RI"]);
const DROPPED = new Set(["TH", "IX", "PD", "RS", "RE", "EX", "EE", "Dd", "Dt", "Os", "UC", "DT", "YS", "Bk", "Ek", "UE", "ME"]);
// Blocks read by preprocessors (pic, eqn) or that define macros: nothing in them is page text.
const SKIPPED_BLOCKS = new Map(Object.entries({ de: "..", de1: "..", am: "..", ig: "..", PS: ".PE", EQ: ".EN" }));

/** mdoc macros that may be called inside a line; their names are not text. */
const MDOC_CALLABLE = new Set(
  ("Ac Ad An Ao Ap Aq Ar At Bc Bo Bq Brc Bro Brq Bsx Bx Cd Cm Dc Do Dq Dv Dx Ec Em Eo Er Ev Fa Fc Fd Fl Fn Fo Ft Fx " +
    "Ic In Li Lk Ms Mt Nm No Ns Nx Oc Oo Op Ot Ox Pa Pc Pf Po Pq Qc Ql Qo Qq Sc Sm So Sq St Sx Sy Tn Ux Va Vt Xc Xo Xr")
    .split(" "),
);
const MDOC_WRAP = new Map<string, readonly [string, string]>(Object.entries({
  Dq: ["“", "”"], Qq: ['"', '"'], Sq: ["‘", "’"], Pq: ["(", ")"], Aq: ["⟨", "⟩"], Bq: ["[", "]"], Brq: ["{", "}"], Op: ["[", "]"],
} as const));

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

/** What an mdoc page knows across lines: its name (from the first `.Nm`) and whether `.Sm off` is on. */
interface MdocState {
  name: string;
  spacing: boolean;
}

/** mdoc macros that stand for a name. */
const MDOC_NAMES = new Map(Object.entries({
  Ux: "UNIX", Bx: "BSD", Ox: "OpenBSD", Nx: "NetBSD", Fx: "FreeBSD", Dx: "DragonFly", Bsx: "BSD/OS", At: "AT&T UNIX",
}));

const CLOSING = /^[.,:;)\]?!]+$/;

/** One mdoc line (macro name first when called): macro names go, what they mark stays, punctuation hugs. */
function mdocLine(tokens: string[], page: MdocState): string {
  const words: string[] = [];
  let glue = false; // after Ns, Pf or an opening bracket: no space before the next word
  const push = (w: string) => {
    if (w === "") return;
    const last = words.length - 1;
    if (last >= 0 && (glue || !page.spacing || CLOSING.test(w))) words[last] += w;
    else words.push(w);
    glue = /[([]$/.test(w);
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] ?? "";
    const next = tokens[i + 1];
    const nextIsWord = next !== undefined && !MDOC_CALLABLE.has(next);
    const wrap = MDOC_WRAP.get(t);
    if (wrap) {
      // Closing punctuation at the end of the line goes after the closing mark, as mdoc places it.
      const inner = tokens.slice(i + 1);
      let tail = inner.length;
      while (tail > 0 && CLOSING.test(inner[tail - 1] ?? "")) tail--;
      push(`${wrap[0]}${mdocLine(inner.slice(0, tail), page)}${wrap[1]}${inner.slice(tail).join("")}`);
      break;
    } else if (t === "Fl") {
      push(nextIsWord ? `-${resolveEscapes(next)}` : "-");
      if (nextIsWord) i++;
    } else if (t === "Xr" && nextIsWord) {
      push(`${resolveEscapes(next)}${tokens[i + 2] !== undefined ? `(${tokens[i + 2]})` : ""}`);
      i += 2;
    } else if (t === "Nm") {
      if (nextIsWord && page.name === "") page.name = resolveEscapes(next);
      if (!nextIsWord) push(page.name);
    } else if (t === "Ns" || t === "Pf") {
      glue = true;
    } else if (t === "Oo" || t === "Oc") {
      push(t === "Oo" ? "[" : "]");
    } else if (MDOC_NAMES.has(t)) {
      push(MDOC_NAMES.get(t) ?? "");
    } else if (!MDOC_CALLABLE.has(t)) {
      push(resolveEscapes(t));
    }
  }
  return words.join(" ");
}
