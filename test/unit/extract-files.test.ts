/**
 * Department files as departments save them: UTF-8 with a BOM, GBK (Excel on Chinese Windows), XLSX
 * with numbers, rich text and formulas — read as streams, bad rows reported by their row number.
 */
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { CaseError } from '#cases/errors';
import { type ExtractFileInfo, extractFormat, readExtractFile } from '#cases/leads/extract-files';
import { decodeText, detectEncoding } from '#cases/text-files';
import { checkCharacter } from '#domain/id-number';

const TODAY = new Date('2026-12-01T00:00:00Z');
const id = (birth: string, seq = '123') => {
  const first17 = `341302${birth}${seq}`;
  return first17 + checkCharacter(first17);
};
const A = id('19800101');
const B = id('19751231', '456');

async function* chunks(bytes: Uint8Array, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function readAll(source: AsyncIterable<Uint8Array>, format: 'csv' | 'xlsx', info?: ExtractFileInfo) {
  const rows = [];
  for await (const r of readExtractFile('MEDICAL', source, format, TODAY, info)) rows.push(r);
  return rows;
}

const summary = (rows: Awaited<ReturnType<typeof readAll>>) =>
  rows.map((r) =>
    r.reading.ok
      ? `${r.row}:${r.reading.row.department === 'MEDICAL' ? `${r.reading.row.idNumber}/${r.reading.row.annualSelfPay}` : ''}`
      : `${r.row}:bad ${r.reading.errors.map((e) => e.column).join(',')}`,
  );

const CSV = [
  ' 证件号码 ,姓名,年度累计个人自付金额,当月门诊自付金额,备注',
  `${A},张三,"12,000.50",0,`,
  '341302900101011,李四,abc,0,',
  '',
  `${B.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)))},王五,50000,600,外地就医`,
].join('\r\n');
const EXPECTED = [`2:${A}/12000.5`, '3:bad 年度累计个人自付金额', `5:${B}/50000`];

describe('department CSV files', () => {
  it('reads UTF-8 with a BOM: trimmed headers, extra columns ignored, full-width digits, bad rows by number', async () => {
    const info: ExtractFileInfo = { format: 'csv' };
    const rows = await readAll(chunks(Buffer.from(`\uFEFF${CSV}`), 1 << 20), 'csv', info);
    expect(summary(rows)).toEqual(EXPECTED);
    expect(info.encoding).toBe('utf-8');
  });

  it('reads GBK the same, also when the stream cuts characters in two and the file is over 64 KiB', async () => {
    const long = `${CSV}\r\n${Array.from({ length: 3000 }, () => `${A},赵六六六,0,0,备注备注`).join('\r\n')}`;
    const gbk = iconv.encode(long, 'gbk');
    expect(detectEncoding(gbk)).toBe('gb18030');
    const info: ExtractFileInfo = { format: 'csv' };
    const rows = await readAll(chunks(gbk, 7), 'csv', info);
    expect(summary(rows).slice(0, 3)).toEqual(EXPECTED);
    expect(rows).toHaveLength(3 + 3000);
    expect(info.encoding).toBe('gb18030');
    expect(decodeText(iconv.encode('证件号码', 'gb18030')).text).toBe('证件号码');
  });

  it('refuses a file without a required column, naming it', async () => {
    const rows = readAll(chunks(Buffer.from('证件号码,姓名,年度累计个人自付金额\n'), 64), 'csv');
    await expect(rows).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [{ path: 'header.当月门诊自付金额' }],
    });
  });
});

describe('department XLSX files', () => {
  async function workbook(fill: (sheet: ExcelJS.Worksheet) => void): Promise<Buffer> {
    const book = new ExcelJS.Workbook();
    fill(book.addWorksheet('医保'));
    return Buffer.from(await book.xlsx.writeBuffer());
  }

  it('reads numbers, rich text and dates; refuses formulas in value columns and ID numbers Excel rounded', async () => {
    const bytes = await workbook((sheet) => {
      sheet.addRow(['证件号码', '姓名', '年度累计个人自付金额', '当月门诊自付金额']);
      sheet.addRow([A, { richText: [{ text: '张' }, { font: { bold: true }, text: '三' }] }, 6000, 0]);
      sheet.addRow([110105491231002, '李四', 20000, 0]); // a 15-digit number: exact as a number
      sheet.addRow([Number(A), '王五', 100, 0]); // 18 digits stored as a number: the last ones lost
      sheet.addRow([{ formula: 'A2', result: A }, '赵六', 100, 0]);
      sheet.addRow([]);
      sheet.addRow([B, '钱七', { formula: '1+1', result: 2 }, 0]);
    });
    const rows = await readAll(chunks(bytes, 4096), 'xlsx');
    expect(summary(rows)).toEqual([
      `2:${A}/6000`,
      '3:11010519491231002X/20000',
      '4:bad 证件号码',
      '5:bad 证件号码',
      '7:bad 年度累计个人自付金额',
    ]);
    expect(
      rows[0]!.reading.ok && rows[0]!.reading.row.department === 'MEDICAL' && rows[0]!.reading.row.name,
    ).toBe('张三');
    expect(rows[2]!.reading.ok ? '' : rows[2]!.reading.errors[0]!.message).toContain('设为“文本”格式');
  });

  it('refuses a damaged workbook with a 400 on file', async () => {
    const error = await readAll(chunks(Buffer.from('PK\u0003\u0004 not really a zip'), 64), 'xlsx').catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(CaseError);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ path: 'file' }] });
  });

  it('tells the format from the name or the media type', () => {
    expect([
      extractFormat('医保2026-11.XLSX'),
      extractFormat('x.csv'),
      extractFormat('x', 'text/csv'),
      extractFormat('x.pdf'),
    ]).toEqual(['xlsx', 'csv', 'csv', undefined]);
  });
});
