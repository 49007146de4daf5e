/**
 * 入户排查表 by workbook on the real local stack: the template downloaded, filled in the annex layout
 * and imported; a bad sheet files none; rich text read as text, formulas refused in identity and money
 * cells, a damaged file refused, each writing nothing.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  countItems,
  getApplication,
  sampleIdNumber,
  staffRequest,
  until,
  upload,
  useLocalStack,
} from '../support/local-stack.ts';

const TOWNSHIP = '341302105';
const V2 = '341302105202';
let serial = 0;
const idNumber = () =>
  sampleIdNumber(
    `3413021985${String(1 + (serial % 12)).padStart(2, '0')}${String(1 + Math.floor(serial / 12)).padStart(2, '0')}${String(100 + serial++).slice(-3)}`,
  );

describe('集中排查 workbooks', () => {
  // business time inside the 2026 campaign's mobilisation phase
  const stack = useLocalStack({ FANGFAN_LOCAL_NOW: '2026-06-09T02:00:00Z' });
  const staff = (method: string, path: string, body?: unknown, personId = 'p-tr-105', type?: string) =>
    staffRequest(stack, method, path, body, personId, type);
  let campaignId = '';

  it('has a campaign to file into', async () => {
    const created = await staff('POST', `/townships/${TOWNSHIP}/campaigns`, {
      name: '2026年集中排查',
      year: 2026,
    });
    expect(created.status).toBe(201);
    campaignId = created.body.campaignId;
  });

  it('takes a workbook of 入户排查表 in the template layout; a bad sheet files none', async () => {
    const template = await staff('GET', `/campaigns/${campaignId}/inspections/template?sheets=2`);
    expect(template.status).toBe(200);
    const fill = async (second: { householdType: string; ticks: string }) => {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(template.bytes as unknown as ArrayBuffer);
      const [one, two] = workbook.worksheets;
      const head = (sheet: ExcelJS.Worksheet, type: string, name: string) => {
        sheet.getCell(2, 2).value = V2;
        sheet.getCell(2, 4).value = '第二村民小组';
        sheet.getCell(2, 6).value = type;
        sheet.getCell(3, 2).value = name;
        sheet.getCell(3, 4).value = idNumber();
        sheet.getCell(3, 6).value = '13700000011';
        sheet.getCell(4, 4).value = 'p-vc-202';
      };
      head(one!, '边缘易致贫户', '吴九');
      one!.getCell(9, 4).value = '①②'; // 安全饮水
      one!.getCell(9, 5).value = '井水浑浊；雨季供水中断';
      // 综合判定: suspected risk, proposed for review (an identification opened from the workbook)
      one!.getCell(4, 2).value = 3;
      one!.getCell(4, 6).value = 'ILLNESS';
      one!.getCell(4, 8).value = 9000;
      one!.getCell(18, 4).value = '①②';
      one!.getCell(18, 5).value = '户主突发重病，自付医疗费用高';
      head(two!, second.householdType, '郑十');
      two!.getCell(11, 4).value = second.ticks; // 产业发展
      two!.getCell(11, 5).value = '有意愿未实施产业到户项目';
      return new Uint8Array(Buffer.from(await workbook.xlsx.writeBuffer()));
    };
    const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const before = await countItems(stack);
    const refused = await staff(
      'POST',
      `/campaigns/${campaignId}/inspections/import`,
      await fill({ householdType: '一般农户', ticks: '1' }),
      'p-vc-202',
      XLSX,
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields[0].path).toBe('sheets[户2].items.0');
    expect(await countItems(stack)).toEqual(before);
    const accepted = await staff(
      'POST',
      `/campaigns/${campaignId}/inspections/import`,
      await fill({ householdType: '脱贫户', ticks: '①' }),
      'p-vc-202',
      XLSX,
    );
    expect(accepted.status).toBe(200);
    expect(accepted.body.filed).toBe(2);
    expect(accepted.body.results[0].problems).toBe(2);
    // the identification runs the chain: the commitment uploads with the URL the import signed
    const review = accepted.body.results[0].review;
    expect(review.stage).toBe('AWAITING_COMMITMENT');
    await upload(review.commitment.uploadUrl);
    await until('GROUP_REVIEW after a workbook’s 综合判定', async () =>
      (await getApplication(stack, review.applicationId)).stage === 'GROUP_REVIEW' ? true : undefined,
    );
  });

  it('reads rich text as text, refuses formulas in identity and money cells and a damaged file', async () => {
    const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const template = await staff('GET', `/campaigns/${campaignId}/inspections/template?sheets=1`);
    const workbook = async (formulaId: boolean) => {
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(template.bytes as unknown as ArrayBuffer);
      const sheet = book.worksheets[0]!;
      sheet.getCell(2, 2).value = V2;
      sheet.getCell(2, 4).value = '第二村民小组';
      sheet.getCell(2, 6).value = '脱贫户';
      // a name typed with two formats is rich text in the file
      sheet.getCell(3, 2).value = { richText: [{ text: '冯' }, { text: '十一', font: { bold: true } }] };
      const id = idNumber();
      sheet.getCell(3, 4).value = formulaId
        ? { formula: `"${id.slice(0, 9)}"&"${id.slice(9)}"`, result: id }
        : id;
      sheet.getCell(3, 6).value = '13700000012';
      sheet.getCell(4, 4).value = 'p-vc-202';
      sheet.getCell(11, 4).value = '①';
      sheet.getCell(11, 5).value = { richText: [{ text: '有意愿' }, { text: '未实施产业到户项目' }] };
      return new Uint8Array(Buffer.from(await book.xlsx.writeBuffer()));
    };
    const before = await countItems(stack);
    const damaged = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('not a workbook')]);
    const broken = await staff(
      'POST',
      `/campaigns/${campaignId}/inspections/import`,
      damaged,
      'p-vc-202',
      XLSX,
    );
    expect(broken.status).toBe(400);
    expect(broken.body.error.fields[0].path).toBe('file');
    const computed = await staff(
      'POST',
      `/campaigns/${campaignId}/inspections/import`,
      await workbook(true),
      'p-vc-202',
      XLSX,
    );
    expect(computed.status).toBe(400);
    expect(computed.body.error.fields.map((f: any) => f.path)).toContain('sheets[户1].head.idNumber');
    expect(await countItems(stack)).toEqual(before);
    const typed = await staff(
      'POST',
      `/campaigns/${campaignId}/inspections/import`,
      await workbook(false),
      'p-vc-202',
      XLSX,
    );
    expect(typed.status).toBe(200);
    const form = (
      await staff('GET', `/campaigns/${campaignId}/problems?unit=${V2}&kind=HOUSEHOLD`, undefined, 'p-vc-202')
    ).body.items.find((p: any) => p.household?.name === '冯十一');
    expect(form.content).toBe('有意愿未实施产业到户项目');
  });
});
