/** The registry import as people save spreadsheets: rich text, formulas, damaged files. */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { IMPORT_COLUMNS } from '#cases/monitoring/registry-import';
import { countItems, sampleIdNumber, staffRequest, useLocalStack } from '../support/local-stack.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HEADER = IMPORT_COLUMNS.slice(0, 18);
const head = sampleIdNumber('34130219660606061');

async function registry(cells: {
  name: unknown;
  phone?: unknown;
  wages?: unknown;
  head?: unknown;
}): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('户籍');
  sheet.addRow(HEADER);
  sheet.addRow([
    '341302105201',
    '第一村民小组',
    '一般农户',
    cells.head ?? head,
    cells.phone ?? '13800006001',
    cells.name,
    head,
    '户主',
    '健康',
    '普通劳动力',
    '非在校生',
    '稳定务工',
    '是',
    '是',
    '否',
    '否',
    2026,
    cells.wages ?? 20000,
  ]);
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe('registry spreadsheets', () => {
  const stack = useLocalStack();
  const staff = (body: unknown, type = XLSX) =>
    staffRequest(stack, 'POST', '/households/import', body, 'p-df-302', type);

  it('answers a damaged workbook with 400 on the file, writing nothing', async () => {
    const before = await countItems(stack);
    const damaged = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('torn off')]);
    const answer = await staff(new Uint8Array(damaged));
    expect(answer.status).toBe(400);
    expect(answer.body.error.fields).toEqual([{ path: 'file', message: expect.stringContaining('已损坏') }]);
    expect(await countItems(stack)).toEqual(before);
  });

  it('refuses formulas in identity and money cells, naming the row and column', async () => {
    const before = await countItems(stack);
    const answer = await staff(
      new Uint8Array(
        await registry({
          name: '褚十二',
          phone: { formula: '"138"&"00006001"', result: '13800006001' },
          wages: { formula: '10000*2', result: 20000 },
        }),
      ),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error.fields.map((f: { path: string }) => f.path)).toEqual([
      'rows[2].联系电话',
      'rows[2].工资性收入',
    ]);
    expect(await countItems(stack)).toEqual(before);
  });

  it('tells the clerk to format the column as text when Excel kept an ID number as a number', async () => {
    const before = await countItems(stack);
    // in the workbook a number cell (Excel keeps 15 digits); in a CSV Excel saved, `3.41302E+17`
    const xlsx = await staff(new Uint8Array(await registry({ name: '褚十二', head: Number(head) })));
    expect(xlsx.status).toBe(400);
    expect(xlsx.body.error.fields).toEqual([
      { path: 'rows[2].户主证件号码', message: expect.stringContaining('设为“文本”格式') },
    ]);
    const csv = [
      HEADER.join(','),
      [
        '341302105201',
        '第一村民小组',
        '一般农户',
        '3.41302E+17',
        '13800006001',
        '褚十二',
        head,
        '户主',
        '健康',
        '普通劳动力',
        '非在校生',
        '稳定务工',
        '是',
        '是',
        '否',
        '否',
        '2026',
        '20000',
      ].join(','),
    ].join('\r\n');
    const fromCsv = await staff(csv, 'text/csv');
    expect(fromCsv.status).toBe(400);
    expect(fromCsv.body.error.fields[0]).toEqual({
      path: 'rows[2].户主证件号码',
      message: expect.stringContaining('末几位已丢失'),
    });
    expect(await countItems(stack)).toEqual(before);
  });

  it('reads a rich-text cell as its text', async () => {
    const answer = await staff(
      new Uint8Array(
        await registry({ name: { richText: [{ text: '褚' }, { text: '十二', font: { bold: true } }] } }),
      ),
    );
    expect(answer.status).toBe(200);
    const households = (await staffRequest(stack, 'GET', '/villages/341302105201/households')).body
      .items as any[];
    const household = households.find((h) => h.head?.phone === '138****6001');
    expect(household.head.name).toBe('褚十二');
    expect(household.members[0].name).toBe('褚十二');
  });
});
