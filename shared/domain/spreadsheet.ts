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

/**
 * An ID number a spreadsheet stored as a number has lost its last digits (Excel keeps 15 significant
 * ones): an XLSX number cell beyond 2^53, or the `3.41302E+17` a CSV saved from it holds.
 */
export const lostAsNumber = (cell: unknown): boolean =>
  (typeof cell === 'number' && Number.isInteger(cell) && !Number.isSafeInteger(cell)) ||
  /^\d(\.\d+)?e\+\d+$/i.test(String(cell ?? '').trim());

export const ID_AS_NUMBER = '证件号码被存成了数字，末几位已丢失；请将该列设为“文本”格式，重新填写后再导入';
