/**
 * One line of an mdoc(7) page (BSD-style man pages) → text: macro names go, what they mark stays, enclosures
 * such as `.Op` and `.Dq` get their brackets or quotes, and punctuation hugs the word before it.
 */
import { resolveEscapes } from "./roff-escapes.ts";

/** mdoc macros that may be called inside a line; their names are not text. */
export const MDOC_CALLABLE = new Set(
  ("Ac Ad An Ao Ap Aq Ar At Bc Bo Bq Brc Bro Brq Bsx Bx Cd Cm Dc Do Dq Dv Dx Ec Em Eo Er Ev Fa Fc Fd Fl Fn Fo Ft Fx " +
    "Ic In Li Lk Ms Mt Nm No Ns Nx Oc Oo Op Ot Ox Pa Pc Pf Po Pq Qc Ql Qo Qq Sc Sm So Sq St Sx Sy Tn Ux Va Vt Xc Xo Xr")
    .split(" "),
);
const MDOC_WRAP = new Map<string, readonly [string, string]>(Object.entries({
  Dq: ["“", "”"], Qq: ['"', '"'], Sq: ["‘", "’"], Pq: ["(", ")"], Aq: ["⟨", "⟩"], Bq: ["[", "]"], Brq: ["{", "}"], Op: ["[", "]"],
} as const));

/** What an mdoc page knows across lines: its name (from the first `.Nm`) and whether `.Sm off` is on. */
export interface MdocState {
  name: string;
  spacing: boolean;
}

/** mdoc macros that stand for a name. */
export const MDOC_NAMES = new Map(Object.entries({
  Ux: "UNIX", Bx: "BSD", Ox: "OpenBSD", Nx: "NetBSD", Fx: "FreeBSD", Dx: "DragonFly", Bsx: "BSD/OS", At: "AT&T UNIX",
}));

const CLOSING = /^[.,:;)\]?!]+$/;

/** One mdoc line (macro name first when called): macro names go, what they mark stays, punctuation hugs. */
export function mdocLine(tokens: string[], page: MdocState): string {
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
