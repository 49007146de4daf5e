/**
 * Bulk import of an existing household registry (CSV in UTF-8 or GBK, or XLSX), one row per member. Every row is
 * checked before anything is written: one bad row and nothing is imported, and the answer lists
 * every bad row by its row number in the file and its column. A repeated import of the same file
 * writes the same values again.
 */
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { Person } from '#domain/directory';
import type { Household } from '#domain/household';
import { checkHousehold, EMPLOYMENT, HEALTH, LABOUR, RELATIONS, SCHOOLING } from '#domain/household';
import { HOUSEHOLD_TYPES } from '#domain/risk-types';
import { covers } from '#domain/scope';
import { ID_AS_NUMBER, lostAsNumber } from '#domain/spreadsheet';
import type { Role } from '#domain/stages';
import { member as memberSchema, yearIncome } from '#schemas/registry';
import { hashIdNumber } from '#store/identity';
import type { CaseContext } from '../context.ts';
import { CaseError, validationFailed } from '../errors.ts';
import { FORMULA_REFUSED, loadWorkbook, readCell } from '../sheet-cells.ts';
import { decodeText } from '../text-files.ts';

/** Everyone but a group leader, who reads the registry and does not change it. */
const REGISTRY_EDITORS: readonly Role[] = [
  'VILLAGE_COMMITTEE',
  'TOWNSHIP_REVIEWER',
  'DISTRICT_FILER',
  'SYSTEM_ENTRY_CLERK',
];

/** The columns of the import sheet, in order; the first row of the file carries these headers. */
export const IMPORT_COLUMNS = [
  '村代码',
  '村民小组',
  '户类型',
  '户主证件号码',
  '联系电话',
  '成员姓名',
  '成员证件号码',
  '与户主关系',
  '健康状况',
  '劳动能力',
  '在校情况',
  '务工情况',
  '参加医保',
  '参加养老保险',
  '享受低保',
  '特困供养',
  '收入年度',
  '工资性收入',
  '生产经营性收入',
  '财产性收入',
  '转移性收入',
  '生产经营性支出',
  '消费型轿车',
  '财政供养人员',
  '企业高管',
  '帮扶责任人',
  '帮扶责任人电话',
] as const;
type Column = (typeof IMPORT_COLUMNS)[number];
/** `computed`: the columns whose cell a formula computed */
type Row = { line: number; cells: Record<Column, string>; computed: Column[] };

/** identity and money: a formula's cached value is not what the clerk typed, so it is refused */
const NO_FORMULA = new Set<Column>([
  '户主证件号码',
  '联系电话',
  '成员证件号码',
  '工资性收入',
  '生产经营性收入',
  '财产性收入',
  '转移性收入',
  '生产经营性支出',
  '帮扶责任人电话',
]);

const REQUIRED: readonly Column[] = IMPORT_COLUMNS.slice(0, 16);
const FIELD_COLUMN: Record<string, Column> = {
  name: '成员姓名',
  idNumber: '成员证件号码',
  relation: '与户主关系',
  health: '健康状况',
  labour: '劳动能力',
  schooling: '在校情况',
  employment: '务工情况',
  medicalInsurance: '参加医保',
  pensionInsurance: '参加养老保险',
  minimumLiving: '享受低保',
  extremePoverty: '特困供养',
  year: '收入年度',
  wages: '工资性收入',
  business: '生产经营性收入',
  property: '财产性收入',
  transfers: '转移性收入',
  businessExpenses: '生产经营性支出',
};

/** 不得确定 hard stops the registry knows about, per household (any member's row may set one). */
const FLAG_COLUMNS = [
  ['privateCar', '消费型轿车'],
  ['stateSalariedMember', '财政供养人员'],
  ['companyExecutive', '企业高管'],
] as const;

export const MAX_IMPORT_BYTES = 6 * 1024 * 1024;

/** The table's cells as text, and the cells a formula computed (`<row index>:<column index>`). */
async function readTable(
  bytes: Buffer,
  contentType: string,
): Promise<{ table: string[][]; formulas: Set<string> }> {
  const xlsx = bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  if (xlsx) {
    const workbook = await loadWorkbook(bytes);
    const sheet = workbook.worksheets[0];
    if (!sheet) throw validationFailed([{ path: 'file', message: '工作簿中没有工作表' }]);
    const rows: string[][] = [];
    const formulas = new Set<string>();
    sheet.eachRow({ includeEmpty: true }, (row, n) => {
      const values = row.values as unknown[];
      const width = Math.max(IMPORT_COLUMNS.length, values.length - 1);
      rows[n - 1] = Array.from({ length: width }, (_, i) => {
        const value = values[i + 1];
        const cell = readCell(value);
        if (cell.formula) formulas.add(`${n - 1}:${i}`);
        // an ID number Excel kept as a number reads as `3.41302198001011e+17`, as a CSV would hold it
        return lostAsNumber(value) ? (value as number).toExponential() : cell.text;
      });
    });
    return { table: Array.from(rows, (r) => r ?? []), formulas };
  }
  if (!/csv|text\/plain/.test(contentType) && contentType !== '') {
    throw validationFailed([{ path: 'file', message: '只接受CSV（text/csv）或XLSX文件' }]);
  }
  try {
    const table = parse(decodeText(bytes).text, {
      relax_column_count: true,
    }) as string[][];
    return { table, formulas: new Set() };
  } catch (error) {
    throw validationFailed([{ path: 'file', message: `CSV格式错误：${(error as Error).message}` }]);
  }
}

const codeOf = (labels: Record<string, string>, value: string): string | undefined =>
  value in labels ? value : Object.entries(labels).find(([, label]) => label === value)?.[0];
const yes = (value: string): boolean | undefined =>
  /^(是|1|Y|y|true|TRUE)$/.test(value) ? true : /^(否|0|N|n|false|FALSE|)$/.test(value) ? false : undefined;
const amount = (value: string): number | undefined =>
  value === ''
    ? 0
    : /^-?\d+(\.\d{1,2})?$/.test(value.replaceAll(',', ''))
      ? Number(value.replaceAll(',', ''))
      : undefined;

export interface ImportResult {
  importId: string;
  households: number;
  members: number;
  villages: number;
}

export async function importRegistry(
  ctx: CaseContext,
  caller: Person,
  bytes: Buffer,
  contentType: string,
): Promise<ImportResult> {
  if (bytes.length === 0) throw validationFailed([{ path: 'file', message: '文件为空' }]);
  if (bytes.length > MAX_IMPORT_BYTES) throw new CaseError('TOO_LARGE', '导入文件超过6 MiB，请分批导入');
  const { table, formulas } = await readTable(bytes, contentType);
  const header = (table[0] ?? []).map((h) => String(h).trim());
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length) {
    throw validationFailed(missing.map((c) => ({ path: `header.${c}`, message: `缺少列“${c}”` })));
  }
  const rows: Row[] = [];
  table.slice(1).forEach((values, i) => {
    if (values.every((v) => String(v ?? '').trim() === '')) return;
    const cells = Object.fromEntries(
      IMPORT_COLUMNS.map((c) => [c, String(values[header.indexOf(c)] ?? '').trim()]),
    ) as Record<Column, string>;
    const computed = IMPORT_COLUMNS.filter((c) => formulas.has(`${i + 1}:${header.indexOf(c)}`));
    rows.push({ line: i + 2, cells, computed });
  });
  if (rows.length === 0) throw validationFailed([{ path: 'file', message: '文件中没有数据行' }]);

  const directory = await ctx.store.getDirectory();
  const villages = new Map(directory.villages.map((v) => [v.code, v]));
  const mayEdit = (code: string) => covers(caller, code, REGISTRY_EDITORS);
  const errors: { path: string; message: string }[] = [];
  const fail = (row: Row, column: Column | 'row', message: string) =>
    errors.push({ path: `rows[${row.line}].${column}`, message });

  type Draft = { rows: Row[]; household: Household };
  const drafts = new Map<string, Draft>();
  // a row whose ID number a spreadsheet rounded says only that: nothing else in it can be checked
  const lost = new Set<Row>();
  for (const row of rows) {
    for (const column of row.computed) if (NO_FORMULA.has(column)) fail(row, column, FORMULA_REFUSED);
    for (const column of ['户主证件号码', '成员证件号码'] as const)
      if (lostAsNumber(row.cells[column])) {
        fail(row, column, ID_AS_NUMBER);
        lost.add(row);
      }
  }
  for (const row of rows) {
    if (lost.has(row)) continue;
    const c = row.cells;
    const village = villages.get(c.村代码);
    if (!village) {
      fail(row, '村代码', c.村代码 ? '村代码不在本系统辖区内' : '村代码必填');
      continue;
    }
    if (!mayEdit(village.code)) fail(row, '村代码', '无权导入此村的数据');
    if (c.村民小组 && !village.groups.includes(c.村民小组))
      fail(row, '村民小组', `村民小组不属于${village.name}`);
    const householdType = codeOf(HOUSEHOLD_TYPES, c.户类型);
    if (!householdType) fail(row, '户类型', '户类型应为脱贫户、边缘易致贫户或一般农户');
    const raw = {
      name: c.成员姓名,
      idNumber: c.成员证件号码,
      relation: codeOf(RELATIONS, c.与户主关系) ?? c.与户主关系,
      health: codeOf(HEALTH, c.健康状况) ?? c.健康状况,
      labour: codeOf(LABOUR, c.劳动能力) ?? c.劳动能力,
      schooling: codeOf(SCHOOLING, c.在校情况) ?? c.在校情况,
      employment: codeOf(EMPLOYMENT, c.务工情况) ?? c.务工情况,
      medicalInsurance: yes(c.参加医保),
      pensionInsurance: yes(c.参加养老保险),
      minimumLiving: yes(c.享受低保),
      extremePoverty: yes(c.特困供养),
    };
    const parsed = memberSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        fail(row, FIELD_COLUMN[String(issue.path[0])] ?? 'row', issue.message);
      continue;
    }
    const head = c.户主证件号码.toUpperCase();
    const key = `${village.code}|${head}`;
    let draft = drafts.get(key);
    if (!draft) {
      draft = {
        rows: [],
        household: {
          village: village.code,
          idHash: '',
          group: c.村民小组,
          householdType: (householdType ?? 'ORDINARY') as Household['householdType'],
          flags: {},
          members: [],
          incomes: [],
        },
      };
      drafts.set(key, draft);
    }
    draft.rows.push(row);
    draft.household.members!.push(parsed.data);
    for (const [flag, column] of FLAG_COLUMNS) {
      const v = yes(c[column]);
      if (v === undefined) fail(row, column, '应填“是”或“否”');
      else if (v) draft.household.flags[flag] = true;
    }
    if (parsed.data.relation === 'HEAD') {
      if (parsed.data.idNumber !== head)
        fail(row, '户主证件号码', '户主行的成员证件号码应与户主证件号码一致');
      const phone = /^1[3-9]\d{9}$/.test(c.联系电话.replace(/^\+86/, ''))
        ? c.联系电话.replace(/^\+86/, '')
        : '';
      if (!phone) fail(row, '联系电话', '户主行须填写正确的手机号码');
      draft.household.head = { name: parsed.data.name, idNumber: parsed.data.idNumber, phone };
      if (c.帮扶责任人) {
        const responsiblePhone = c.帮扶责任人电话.replace(/^\+86/, '');
        if (responsiblePhone && !/^1[3-9]\d{9}$/.test(responsiblePhone))
          fail(row, '帮扶责任人电话', '手机号码格式不正确');
        draft.household.responsiblePerson = {
          name: c.帮扶责任人.slice(0, 32),
          ...(responsiblePhone ? { phone: responsiblePhone } : {}),
        };
      }
      if (c.收入年度) {
        const income = yearIncome.safeParse({
          year: Number(c.收入年度),
          wages: amount(c.工资性收入),
          business: amount(c.生产经营性收入),
          property: amount(c.财产性收入),
          transfers: amount(c.转移性收入),
          businessExpenses: amount(c.生产经营性支出),
        });
        if (income.success) draft.household.incomes!.push(income.data);
        else
          for (const issue of income.error.issues)
            fail(row, FIELD_COLUMN[String(issue.path[0])] ?? 'row', issue.message);
      }
    }
  }
  for (const draft of drafts.values()) {
    const first = draft.rows[0]!;
    if (!draft.household.head) {
      fail(first, '户主证件号码', '本户没有“与户主关系”为户主的成员行');
      continue;
    }
    for (const finding of checkHousehold({
      members: draft.household.members!,
      incomes: draft.household.incomes!,
    })) {
      const index = /^members\[(\d+)\]/.exec(finding.path)?.[1];
      const row = index === undefined ? first : (draft.rows[Number(index)] ?? first);
      const column = FIELD_COLUMN[finding.path.split('.').at(-1) ?? ''] ?? '与户主关系';
      fail(row, column, finding.message);
    }
  }
  if (errors.length) {
    throw new CaseError(
      'VALIDATION_FAILED',
      `共${errors.length}处错误，未导入任何数据，请修改后重新导入`,
      errors,
    );
  }
  const households = [...drafts.values()].map(({ household }) => ({
    ...household,
    idHash: hashIdNumber(household.head!.idNumber, ctx.secrets.idHmacKey),
    memberIdHashes: (household.members ?? []).map((m) => hashIdNumber(m.idNumber, ctx.secrets.idHmacKey)),
  }));
  const importId = createHash('sha256').update(bytes).digest('hex').slice(0, 24);
  await ctx.store.importHouseholds(households, {
    action: 'REGISTRY_IMPORTED',
    by: caller.personId,
    at: ctx.clock.nowIso(),
    detail: { importId },
  });
  return {
    importId,
    households: households.length,
    members: households.reduce((n, h) => n + h.members!.length, 0),
    villages: new Set(households.map((h) => h.village)).size,
  };
}
