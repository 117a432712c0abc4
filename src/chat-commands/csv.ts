/**
 * RFC 4180 CSV: fields with a comma, quote, CR or LF (or leading/trailing spaces) are quoted, quotes doubled,
 * records end with CRLF. Text that a spreadsheet would run as a formula (starting with = + - @ tab or CR) is
 * prefixed with a single quote (OWASP CSV injection advice): actor names come from outside and are not trusted.
 */
export function csvField(value: string | number | undefined, neutralizeFormulas = true): string {
  let s = value === undefined ? '' : String(value);
  if (neutralizeFormulas && typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(fields: Array<string | number | undefined>, neutralizeFormulas = true): string {
  return `${fields.map((f) => csvField(f, neutralizeFormulas)).join(',')}\r\n`;
}
