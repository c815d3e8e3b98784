/** roff's escapes (groff(7)) and request arguments, as man pages use them: for roff-text.ts and mdoc-line.ts. */

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
