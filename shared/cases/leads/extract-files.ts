/**
 * A department's monthly file as the department exports it — CSV in UTF-8 or GBK, or XLSX — read as a
 * stream of rows, so a file of hundreds of MB is never whole in memory. Each row comes with its row
 * number in the file (the header is row 1, as a spreadsheet shows it) and its reading: a bad row is
 * reported and skipped, never fatal. A file without a required column is refused whole.
 */
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import {
  type Department,
  type ExtractCell,
  missingColumns,
  type RowReading,
  readExtractRow,
} from '#domain/department-extracts';
import { CaseError, validationFailed } from '../errors.ts';
import { FORMULA_REFUSED, readCell } from '../sheet-cells.ts';
import { decodeStream, type TextEncoding } from '../text-files.ts';

export type ExtractFormat = 'csv' | 'xlsx';

/** Where a department's file of a district and month is uploaded to: one per department, the latest kept. */
export const extractKey = (district: string, month: string, department: Department): string =>
  `extracts/${district}/${month}/${department}`;

/** Columns whose formula cells are refused: a computed ID number or amount is not the department's record. */
const VALUE_COLUMNS = new Set(['证件号码', '年度累计个人自付金额', '当月门诊自付金额', '村代码', '受灾户数']);

export interface ExtractRowRead {
  /** the row number in the file, the header being row 1 */
  row: number;
  reading: RowReading;
}

export interface ExtractFileInfo {
  format: ExtractFormat;
  encoding?: TextEncoding;
}

/** The format of an uploaded file from its name or media type. */
export function extractFormat(name: string, contentType = ''): ExtractFormat | undefined {
  if (/\.xlsx$/i.test(name) || contentType.includes('spreadsheetml')) return 'xlsx';
  if (/\.(csv|txt)$/i.test(name) || /csv|text\/plain/.test(contentType)) return 'csv';
  return undefined;
}

function headerOf(department: Department, cells: readonly string[]): string[] {
  const header = cells.map((c) => c.trim());
  const missing = missingColumns(department, header);
  if (missing.length) {
    throw validationFailed(missing.map((c) => ({ path: `header.${c}`, message: `缺少列“${c}”` })));
  }
  return header;
}

function reading(
  department: Department,
  header: readonly string[],
  values: readonly ExtractCell[],
  formulas: ReadonlySet<number>,
  today: Date,
): RowReading {
  const refused = [...formulas].map((i) => header[i]).filter((c): c is string => !!c && VALUE_COLUMNS.has(c));
  if (refused.length)
    return { ok: false, errors: refused.map((column) => ({ column, message: FORMULA_REFUSED })) };
  const cells: Record<string, ExtractCell> = {};
  header.forEach((column, i) => {
    if (column && !(column in cells)) cells[column] = values[i];
  });
  return readExtractRow(department, cells, today);
}

const isBlank = (values: readonly ExtractCell[]) =>
  values.every((v) => v === undefined || String(v).trim() === '');

async function* csvRows(
  department: Department,
  source: AsyncIterable<Uint8Array>,
  info: ExtractFileInfo,
  today: Date,
): AsyncGenerator<ExtractRowRead> {
  const parser = Readable.from(
    decodeStream(source, (encoding) => {
      info.encoding = encoding;
    }),
  ).pipe(parse({ relax_column_count: true, info: true }));
  let header: string[] | undefined;
  try {
    for await (const { record, info: at } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (!header) {
        header = headerOf(department, record);
        continue;
      }
      if (isBlank(record)) continue;
      yield { row: at.lines, reading: reading(department, header, record, new Set(), today) };
    }
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('CSV_')) {
      throw validationFailed([{ path: 'file', message: `CSV格式错误：${(error as Error).message}` }]);
    }
    throw error;
  }
  if (!header) throw validationFailed([{ path: 'file', message: '文件为空' }]);
}

async function* xlsxRows(
  department: Department,
  source: AsyncIterable<Uint8Array>,
  today: Date,
): AsyncGenerator<ExtractRowRead> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(source), {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    worksheets: 'emit',
  });
  let header: string[] | undefined;
  try {
    for await (const sheet of workbook) {
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        const raw = (row.values as unknown[]).slice(1);
        const formulas = new Set<number>();
        const values: ExtractCell[] = raw.map((value, i) => {
          const cell = readCell(value);
          if (cell.formula) formulas.add(i);
          // a number stays a number, so an ID number Excel stored as one is recognised as such
          return typeof value === 'number' ? value : cell.text;
        });
        if (!header) {
          if (isBlank(values)) continue;
          header = headerOf(department, values.map(String));
          continue;
        }
        if (isBlank(values)) continue;
        yield { row: row.number, reading: reading(department, header, values, formulas, today) };
      }
      break; // the first sheet is the extract
    }
  } catch (error) {
    if (error instanceof CaseError) throw error;
    throw validationFailed([{ path: 'file', message: 'XLSX文件已损坏或不是有效的工作簿，请重新保存后上传' }]);
  }
  if (!header) throw validationFailed([{ path: 'file', message: '工作簿中没有数据' }]);
}

/**
 * A file's format from its first bytes — an XLSX is a zip (`PK\x03\x04`), anything else is read as
 * CSV — and the stream again from its start.
 */
export async function sniffFormat(
  source: AsyncIterable<Uint8Array>,
): Promise<{ format: ExtractFormat; source: AsyncIterable<Uint8Array> }> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head = first.done ? new Uint8Array() : first.value;
  const zip = head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
  async function* again() {
    if (!first.done) yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { format: zip ? 'xlsx' : 'csv', source: again() };
}

/** The rows of one department's file; `info` is filled as the file is read (the CSV's encoding). */
export function readExtractFile(
  department: Department,
  source: AsyncIterable<Uint8Array>,
  format: ExtractFormat,
  today: Date,
  info: ExtractFileInfo = { format },
): AsyncGenerator<ExtractRowRead> {
  return format === 'xlsx' ? xlsxRows(department, source, today) : csvRows(department, source, info, today);
}
