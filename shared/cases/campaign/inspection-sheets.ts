/**
 * 入户排查表 as a workbook: one sheet per household in the annex-2 layout (header block, then the 13
 * numbered categories with the ticked items and the problems found). The template comes from here and
 * an upload is read back by the same layout, so the two cannot drift.
 */
import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import type { Campaign } from '#domain/campaign';
import type { Person } from '#domain/directory';
import { checkInspectionForm, circled, INSPECTION_CATEGORIES } from '#domain/inspection';
import { HOUSEHOLD_TYPES, RISK_TYPES } from '#domain/risk-types';
import { covers, MANAGERS } from '#domain/scope';
import { inspectionRequest } from '#schemas/campaign';
import type { CaseContext } from '../context.ts';
import { CaseError, validationFailed } from '../errors.ts';
import { FORMULA_REFUSED, loadWorkbook, readCell } from '../sheet-cells.ts';
import { fileInspectionForm } from './campaigns.ts';

/** Where each field sits on a sheet (row, column), 1-based as Excel counts. */
const CELLS = {
  village: [2, 2],
  group: [2, 4],
  householdType: [2, 6],
  name: [3, 2],
  idNumber: [3, 4],
  phone: [3, 6],
  householdSize: [4, 2],
  inspector: [4, 4],
  riskTypes: [4, 6],
  income: [4, 8],
} as const;
const FIRST_CATEGORY_ROW = 6;
const TICKS_COLUMN = 4;
const PROBLEM_COLUMN = 5;

const LABELS: [keyof typeof CELLS, string][] = [
  ['village', '村代码'],
  ['group', '组'],
  ['householdType', '户类型'],
  ['name', '户主姓名'],
  ['idNumber', '证件号码'],
  ['phone', '联系电话'],
  ['householdSize', '家庭人口'],
  ['inspector', '排查人编号'],
  ['riskTypes', '风险类型（综合判定提请评议时填）'],
  ['income', '家庭年纯收入（元）'],
];

/** A blank form (or as many sheets as asked) for cadres to fill. */
export async function inspectionTemplate(campaign: Campaign, sheets = 1): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  for (let n = 1; n <= sheets; n++) {
    const sheet = workbook.addWorksheet(`户${n}`);
    sheet.getCell(1, 1).value = `埇桥区巩固拓展脱贫攻坚成果集中排查入户排查表（${campaign.name}）`;
    sheet.getCell(1, 1).font = { bold: true, size: 14 };
    for (const [field, label] of LABELS) {
      const [row, column] = CELLS[field];
      sheet.getCell(row, column - 1).value = label;
      sheet.getCell(row, column - 1).font = { bold: true };
    }
    sheet.getCell(CELLS.idNumber[0], CELLS.idNumber[1]).numFmt = '@';
    sheet.getRow(5).values = ['序号', '排查类型', '排查内容', '打“√”的序号', '排查问题'];
    sheet.getRow(5).font = { bold: true };
    INSPECTION_CATEGORIES.forEach((category, i) => {
      sheet.getRow(FIRST_CATEGORY_ROW + i).values = [
        category.no,
        category.name,
        category.items.map((item) => `${circled(item.no)}${item.text}`).join(''),
        '',
        '',
      ];
    });
    sheet.getCell(FIRST_CATEGORY_ROW + INSPECTION_CATEGORIES.length + 1, 1).value =
      '填表说明：有问题的在“打√的序号”栏填写序号（如 ①③ 或 1,3），在排查问题栏中具体表述问题内容（多个问题用“；”分开）；无问题的户不用填表。综合判定①为疑似存在返贫致贫风险，②为提请纳入监测对象评议。';
    sheet.columns = [
      { width: 6 },
      { width: 14 },
      { width: 60 },
      { width: 14 },
      { width: 40 },
      { width: 20 },
      { width: 12 },
      { width: 12 },
    ];
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const text = (value: unknown): string => readCell(value).text;

/** the cells whose value must be typed, not computed: identity and money */
const NO_FORMULA: Partial<Record<keyof typeof CELLS, string>> = {
  idNumber: 'head.idNumber',
  phone: 'head.phone',
  income: 'judgement.declaredAnnualIncome',
};

/** ①③, 1,3, 1、3 → [1, 3] */
export function tickedNumbers(cell: string): number[] {
  const numbers: number[] = [];
  for (const ch of cell) {
    const code = ch.codePointAt(0)!;
    if (code >= 0x2460 && code <= 0x2473) numbers.push(code - 0x2460 + 1);
  }
  for (const part of cell.replace(/[\u2460-\u2473]/g, ' ').split(/[\s,，、;；]+/)) {
    if (/^\d{1,2}$/.test(part)) numbers.push(Number(part));
  }
  return [...new Set(numbers)].sort((a, b) => a - b);
}

const codeOf = (labels: Record<string, string>, value: string) =>
  value in labels ? value : Object.entries(labels).find(([, label]) => label === value)?.[0];

/** `POST /campaigns/{id}/inspections/import`: every sheet checked first; one bad sheet and none is filed. */
export async function importInspectionSheets(
  ctx: CaseContext,
  caller: Person,
  campaign: Campaign,
  bytes: Buffer,
) {
  if (
    !covers(caller, campaign.township, MANAGERS) &&
    !campaign.villages.some((v) => covers(caller, v, MANAGERS))
  ) {
    throw new CaseError('FORBIDDEN', '无权上传此排查的入户排查表');
  }
  if (!bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    throw validationFailed([{ path: 'file', message: '只接受XLSX文件（入户排查表模板）' }]);
  }
  const workbook = await loadWorkbook(bytes);
  const fileHash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const errors: { path: string; message: string }[] = [];
  const bodies: { sheet: string; body: ReturnType<typeof inspectionRequest.parse>; raw: string }[] = [];
  workbook.worksheets.forEach((sheet, index) => {
    const at = (field: keyof typeof CELLS) => text(sheet.getCell(CELLS[field][0], CELLS[field][1]).value);
    if (!at('name') && !at('idNumber')) return; // an unused sheet
    for (const [field, path] of Object.entries(NO_FORMULA) as [keyof typeof CELLS, string][])
      if (readCell(sheet.getCell(CELLS[field][0], CELLS[field][1]).value).formula)
        errors.push({ path: `sheets[${sheet.name}].${path}`, message: FORMULA_REFUSED });
    const items: { category: number; item: number; problem: string }[] = [];
    let judgement = { suspectedRisk: false, proposeReview: false } as Record<string, unknown>;
    INSPECTION_CATEGORIES.forEach((category, i) => {
      const row = FIRST_CATEGORY_ROW + i;
      const ticks = tickedNumbers(text(sheet.getCell(row, TICKS_COLUMN).value));
      const problems = text(sheet.getCell(row, PROBLEM_COLUMN).value)
        .split(/[;；]\s*/)
        .filter(Boolean);
      if (category.no === 13) {
        judgement = {
          suspectedRisk: ticks.includes(1),
          proposeReview: ticks.includes(2),
          ...(problems.length ? { reason: problems.join('；') } : {}),
        };
        return;
      }
      ticks.forEach((item, k) => {
        items.push({ category: category.no, item, problem: problems[k] ?? problems[0] ?? '' });
      });
    });
    const risks = at('riskTypes')
      .split(/[\s,，、]+/)
      .filter(Boolean)
      .map((r) => codeOf(RISK_TYPES, r) ?? r);
    if (judgement.proposeReview) {
      if (risks.length) judgement.riskTypes = risks;
      if (at('income')) judgement.declaredAnnualIncome = Number(at('income'));
    }
    const candidate = {
      requestId: `sheet-${fileHash}-${index}`,
      campaignId: campaign.campaignId,
      village: at('village'),
      group: at('group'),
      householdType: codeOf(HOUSEHOLD_TYPES, at('householdType')) ?? at('householdType'),
      head: { name: at('name'), idNumber: at('idNumber'), phone: at('phone') },
      ...(at('householdSize') ? { householdSize: Number(at('householdSize')) } : {}),
      items,
      judgement,
      inspectorPersonId: at('inspector'),
    };
    const parsed = inspectionRequest.safeParse(candidate);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        errors.push({
          path: `sheets[${sheet.name}].${issue.path.map(String).join('.')}`,
          message: issue.message,
        });
      }
      return;
    }
    for (const finding of checkInspectionForm(parsed.data)) {
      errors.push({ path: `sheets[${sheet.name}].${finding.path}`, message: finding.message });
    }
    bodies.push({ sheet: sheet.name, body: parsed.data, raw: JSON.stringify(candidate) });
  });
  if (errors.length)
    throw new CaseError('VALIDATION_FAILED', `共${errors.length}处错误，未导入任何排查表`, errors);
  if (bodies.length === 0)
    throw validationFailed([{ path: 'file', message: '工作簿中没有填写的入户排查表' }]);
  const filed: { sheet: string; formId?: string; problems?: number; review?: unknown; error?: string }[] = [];
  for (const { sheet, body, raw } of bodies) {
    try {
      const result = await fileInspectionForm(ctx, undefined, body, raw);
      filed.push({
        sheet,
        formId: result.formId,
        problems: result.problemIds.length,
        // 综合判定② opened an identification: its id and the commitment upload, as the webhook answers
        ...(result.review ? { review: result.review } : {}),
      });
    } catch (error) {
      // a sheet the rules refuse, or a household already filed, is reported; the others stand
      if (error instanceof CaseError) filed.push({ sheet, error: error.message });
      else throw error;
    }
  }
  return { sheets: filed.length, filed: filed.filter((f) => f.formId).length, results: filed };
}
