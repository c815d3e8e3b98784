/**
 * RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines. Returns the header and the rows
 * with their 1-based starting line, so a reader can point at the line of a bad row.
 */
export function parseCsv(text: string): { header: string[]; rows: { line: number; cells: string[] }[] } {
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let startLine = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === "\n") line++;
        field += ch;
      }
    } else if (ch === '"' && field === "") quoted = true;
    else if (ch === ",") {
      cells.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      cells.push(field);
      records.push({ line: startLine, cells });
      cells = [];
      field = "";
      line++;
      startLine = line;
    } else field += ch;
  }
  if (field !== "" || cells.length > 0) {
    cells.push(field);
    records.push({ line: startLine, cells });
  }
  const [head, ...rows] = records;
  if (!head) throw new Error("empty CSV: no header row");
  return { header: head.cells, rows };
}
