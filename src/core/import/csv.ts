/**
 * RFC 4180 CSV: quoted fields with "" escapes and embedded commas and newlines, CRLF or LF,
 * optional UTF-8 BOM. Returns rows of raw strings, each with the 1-based line it started on.
 */
export function parseCsv(text: string): Array<{ line: number; cells: string[] }> {
  const rows: Array<{ line: number; cells: string[] }> = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let cells: string[] = [];
  let cell = '';
  let start = line;
  let quoted = false;
  let any = false;
  const endRow = () => {
    cells.push(cell);
    if (cells.length > 1 || cells[0] !== '') rows.push({ line: start, cells });
    cells = [];
    cell = '';
    any = false;
  };
  for (; i < text.length; i++) {
    const ch = text[i];
    if (!any) {
      start = line;
      any = true;
    }
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
    } else cell += ch;
  }
  if (quoted) throw new Error(`unterminated quoted field starting on line ${start}`);
  if (any) endRow();
  return rows;
}

const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A text cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR, and their
 * full-width forms: OWASP CSV injection) gets a leading `'`, which spreadsheets show as text.
 * Plain numbers pass unchanged, so `-0.5` stays a number.
 */
export function neutraliseFormula(s: string): string {
  return FORMULA_START.test(s) && !PLAIN_NUMBER.test(s) ? `'${s}` : s;
}

/**
 * One CSV line; fields with commas, quotes or newlines are quoted, formula-like text is
 * neutralised. Every CSV the app writes goes through here: labels, patient ids and file
 * names come from untrusted manifests and DICOM headers.
 */
export function csvRow(cells: Array<string | number>): string {
  return cells
    .map((c) => {
      const s = typeof c === 'number' ? String(c) : neutraliseFormula(c);
      return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(',');
}
