/**
 * Cells people open in Excel, WPS or LibreOffice. Text that a spreadsheet would take for a formula
 * (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'`, as OWASP's
 * guidance on CSV injection says, so an applicant named `=HYPERLINK(…)` stays a name.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export const neutralise = (text: string): string => (FORMULA_START.test(text) ? `'${text}` : text);

/** Any cell value: only text can carry a formula. */
export const neutraliseCell = <T>(value: T): T =>
  (typeof value === 'string' ? neutralise(value) : value) as T;
