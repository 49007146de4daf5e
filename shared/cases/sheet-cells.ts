/**
 * Reading the spreadsheets people upload (the registry, the inspection workbooks): one way to open a
 * workbook and to read a cell, whatever Excel, WPS or LibreOffice wrote into it.
 */
import ExcelJS from 'exceljs';
import { validationFailed } from './errors.ts';

/** A cell as text, and whether a formula computed it (its cached value is what a spreadsheet showed). */
export interface CellRead {
  text: string;
  formula: boolean;
}

function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value !== 'object') return String(value).trim();
  const v = value as Record<string, unknown>;
  // rich text: runs of differently formatted text, one string to whoever reads it
  if (Array.isArray(v.richText))
    return v.richText
      .map((run: { text?: unknown }) => String(run.text ?? ''))
      .join('')
      .trim();
  if ('text' in v) return textOf(v.text);
  if ('error' in v) return String(v.error);
  if ('result' in v) return textOf(v.result);
  return '';
}

export function readCell(value: unknown): CellRead {
  const formula =
    typeof value === 'object' && value !== null && ('formula' in value || 'sharedFormula' in value);
  return { text: textOf(value), formula };
}

/** The workbook, or a 400 on `file` when the bytes are not one (a damaged or renamed file). */
export async function loadWorkbook(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw validationFailed([{ path: 'file', message: 'XLSX文件已损坏或不是有效的工作簿，请重新保存后上传' }]);
  }
  return workbook;
}

export const FORMULA_REFUSED = '此格是公式，证件号码、电话和金额须填写数值（复制后“粘贴为数值”）';
