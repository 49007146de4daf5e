/**
 * Cells people open in Excel, WPS or LibreOffice. Text that a spreadsheet would take for a formula
 * (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'`, as OWASP's
 * guidance on CSV injection says, so an applicant named `=HYPERLINK(…)` stays a name.
 */
import { shown } from './masking.ts';

const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell: a value stored sealed shows its masked form; a formula start is neutralised. */
export const neutralise = (text: string): string => {
  const value = shown(text);
  return FORMULA_START.test(value) ? `'${value}` : value;
};

/** Any cell value: only text can carry a formula. */
export const neutraliseCell = <T>(value: T): T =>
  (typeof value === 'string' ? neutralise(value) : value) as T;
