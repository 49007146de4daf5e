/** Worksheets whose every row is written through `neutraliseCell` (formula injection, OWASP). */
import { neutraliseCell } from '#domain/spreadsheet';

/** The media type of every workbook Fangfan writes. */
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type Rows = { addRow(values: any, style?: string): any };

export function safeSheet<T extends Rows>(sheet: T): T {
  const addRow = sheet.addRow.bind(sheet);
  sheet.addRow = (values: unknown, style?: string) =>
    addRow(
      Array.isArray(values)
        ? values.map(neutraliseCell)
        : Object.fromEntries(Object.entries(values as object).map(([k, v]) => [k, neutraliseCell(v)])),
      style,
    );
  return sheet;
}
