/**
 * A month's 部门筛查 of a small district, computed by hand: files of all nine departments (UTF-8 with a
 * BOM, GBK, XLSX; bad rows, a 15-digit number, full-width digits) screened to the leads below.
 */
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { type ExtractFormat, readExtractFile } from '#cases/leads/extract-files';
import { type DepartmentFile, type Registered, screenMonth } from '#cases/leads/screening';
import type { Department } from '#domain/department-extracts';
import { checkCharacter } from '#domain/id-number';
import { hashIdNumber } from '#store/identity';

const V1 = '341302105201';
const V2 = '341302105202';
const MONTH = '2026-11';
const TODAY = new Date('2026-12-02T02:00:00Z');
const id18 = (first17: string) => first17 + checkCharacter(first17);

const A = id18('34130219800101123'); // head of H1 (脱贫户)
const A_CHILD = id18('34130220140305124'); // 12 on 2026-11-01
const B = id18('34130219750615456'); // H2, a current monitoring object
const C15 = '341302650505123'; // H3's member as a 15-digit number: born 1965
const C = id18('34130219650505123');
const D = id18('34130219900909789'); // an applicant outside the registry, in V2
const X = id18('34130219881010111'); // nobody's

const hash = (idNumber: string) => hashIdNumber(idNumber, 'test-key');
const registry = new Map<string, Registered>([
  [hash(A), { subjectKey: 'H1', village: V1, subject: { householdType: 'LIFTED', monitored: false } }],
  [hash(A_CHILD), { subjectKey: 'H1', village: V1, subject: { householdType: 'LIFTED', monitored: false } }],
  [hash(B), { subjectKey: 'H2', village: V1, subject: { householdType: 'ORDINARY', monitored: true } }],
  [hash(C), { subjectKey: 'H3', village: V2, subject: { householdType: 'MARGINAL', monitored: false } }],
  [hash(D), { subjectKey: 'A#APP1', village: V2, subject: { householdType: 'ORDINARY', monitored: false } }],
]);
const index = { find: (h: string) => registry.get(h), hasVillage: (v: string) => v === V1 || v === V2 };

const fullWidth = (s: string) => s.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
const csv = (rows: string[][]) => rows.map((r) => r.join(',')).join('\r\n');

async function xlsx(rows: (string | number)[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Sheet1');
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await book.xlsx.writeBuffer());
}

async function* once(bytes: Uint8Array) {
  yield bytes;
}

async function files(): Promise<DepartmentFile[]> {
  const sources: [Department, Uint8Array, ExtractFormat][] = [
    [
      'MEDICAL',
      Buffer.from(
        `\uFEFF${csv([
          ['证件号码', '姓名', '年度累计个人自付金额', '当月门诊自付金额'],
          [A, '甲', '6000', '0'],
          [B, '乙', '25000', '600'],
          [C, '丙', '19999', '0'],
          [D, '丁', '20000', '0'],
          ['34130219800101124', '坏', '100', '0'],
          [X, '外', '90000', '0'],
        ])}`,
      ),
      'csv',
    ],
    [
      'EDUCATION',
      iconv.encode(
        csv([
          ['证件号码', '姓名', '学籍状态', '学校'],
          [A_CHILD, '甲子', '辍学', '某小学'],
        ]),
        'gbk',
      ),
      'csv',
    ],
    [
      'HOUSING',
      await xlsx([
        ['证件号码', '姓名', '房屋安全鉴定等级'],
        [B, '乙', 'D'],
        [A, '甲', 'B'],
        [Number(C15), '丙', 'C'],
      ]),
      'xlsx',
    ],
    [
      'CIVIL_AFFAIRS',
      Buffer.from(
        csv([
          ['证件号码', '姓名', '救助类别', '变动类型'],
          [B, '乙', '低保', '退出'],
        ]),
      ),
      'csv',
    ],
    [
      'HUMAN_RESOURCES',
      Buffer.from(
        csv([
          ['证件号码', '姓名', '就业状态', '变动日期'],
          [C, '丙', '登记失业', '2026-06-01'],
        ]),
      ),
      'csv',
    ],
    [
      'DISABILITY',
      Buffer.from(
        csv([
          ['证件号码', '姓名', '残疾类别', '残疾等级', '发证日期'],
          [A, '甲', '肢体', '二级', '2026-11-10'],
          [B, '乙', '视力', '三级', '2026-10-31'],
        ]),
      ),
      'csv',
    ],
    [
      'PUBLIC_SECURITY',
      Buffer.from(
        csv([
          ['证件号码', '姓名', '事项', '车辆类型', '发生日期'],
          [A, '甲', '机动车登记', '小型轿车', '2026-11-05'],
          [B, '乙', '死亡', '', '2026-11-20'],
        ]),
      ),
      'csv',
    ],
    [
      'MARKET_REGULATION',
      Buffer.from(
        csv([
          ['证件号码', '姓名', '任职类型', '企业名称', '村代码'],
          [fullWidth(C), '丙', '股东', '某合作社', V2],
          [X, '外', '股东', '某公司', V1],
        ]),
      ),
      'csv',
    ],
    [
      'EMERGENCY',
      Buffer.from(
        csv([
          ['村代码', '灾害类型', '发生日期', '受灾户数'],
          [V1, '洪涝', '2026-11-12', '20'],
          [V2, '洪涝', '2026-11-12', '5'],
          ['341302105209', '洪涝', '2026-11-12', '3'],
          [V1, '台风', '2026-11-12', '1'],
        ]),
      ),
      'csv',
    ],
  ];
  return sources.map(([department, bytes, format]) => ({
    department,
    rows: readExtractFile(department, once(bytes), format, TODAY),
  }));
}

const run = async (earlier = [] as Parameters<typeof screenMonth>[0]['earlier']) =>
  screenMonth({
    district: '341302',
    month: MONTH,
    today: '2026-12-02',
    files: await files(),
    index,
    hash,
    earlier,
  });

describe('a month of department screening', () => {
  it('gives the leads computed by hand', async () => {
    const result = await run();
    const leads = result.leads.map((l) => ({
      subject: l.subjectKey,
      kind: l.kind,
      village: l.village,
      grade: l.grade,
      reasons: l.reasons.map((r) => `${r.department}.${r.rule}${r.kind === 'RISK' ? `:${r.grade}` : ''}`),
    }));
    expect(leads).toEqual([
      {
        subject: 'H1',
        kind: 'RISK',
        village: V1,
        grade: 1,
        reasons: ['MEDICAL.MEDICAL_ANNUAL:3', 'EDUCATION.OUT_OF_SCHOOL:1', 'DISABILITY.SEVERE_DISABILITY:1'],
      },
      {
        subject: 'H2',
        kind: 'RISK',
        village: V1,
        grade: 1,
        reasons: [
          'MEDICAL.MEDICAL_ANNUAL:2',
          'MEDICAL.MEDICAL_OUTPATIENT:3',
          'HOUSING.UNSAFE_HOUSING:1',
          'CIVIL_AFFAIRS.ASSISTANCE_ENDED:2',
        ],
      },
      { subject: 'A#APP1', kind: 'RISK', village: V2, grade: 2, reasons: ['MEDICAL.MEDICAL_ANNUAL:2'] },
      {
        subject: 'H3',
        kind: 'RISK',
        village: V2,
        grade: 1,
        reasons: [
          'HOUSING.UNSAFE_HOUSING:1',
          'HUMAN_RESOURCES.REGISTERED_UNEMPLOYED:2',
          'MARKET_REGULATION.SHAREHOLDER:3',
        ],
      },
      { subject: 'H1', kind: 'EXCLUSION', village: V1, grade: 1, reasons: ['PUBLIC_SECURITY.privateCar'] },
    ]);
    expect(result.registryChanges).toEqual([
      {
        subjectKey: 'H2',
        village: V1,
        change: 'DEATH',
        occurredOn: '2026-11-20',
        department: 'PUBLIC_SECURITY',
        row: 3,
      },
    ]);
    expect(result.areaProposals).toEqual([
      {
        disaster: 'FLOOD',
        disasterLabel: '洪涝',
        occurredOn: '2026-11-12',
        villages: [V1, V2],
        households: 25,
      },
    ]);
    expect(result.departments.MEDICAL).toMatchObject({ rows: 6, badRows: 1, outsideRegistry: 1, hits: 4 });
    expect(result.departments.MEDICAL!.badRowList).toEqual([
      { row: 6, errors: [{ column: '证件号码', message: '身份证号码应为18位，前17位为数字' }] },
    ]);
    expect(result.departments.MARKET_REGULATION).toMatchObject({
      outsideRegistry: 1,
      outsideByVillage: { [V1]: 1 },
    });
    expect(result.departments.EMERGENCY).toMatchObject({ rows: 4, badRows: 1, outsideRegistry: 1 });
  });

  it('gives the same leads with the same ids for the same files, and keeps a lead verified NO_RISK quiet', async () => {
    const first = await run();
    const second = await run();
    expect(second.leads.map((l) => l.leadId)).toEqual(first.leads.map((l) => l.leadId));
    expect(new Set(first.leads.map((l) => l.leadId)).size).toBe(5);

    const quiet = await run([
      {
        subjectKey: 'A#APP1',
        reasonKey: 'RISK:MEDICAL.MEDICAL_ANNUAL',
        grade: 2,
        outcome: 'NO_RISK',
        verifiedOn: '2026-10-15',
      },
      // a higher grade now than when H3 was found without risk: raised again
      {
        subjectKey: 'H3',
        reasonKey:
          'RISK:HOUSING.UNSAFE_HOUSING,HUMAN_RESOURCES.REGISTERED_UNEMPLOYED,MARKET_REGULATION.SHAREHOLDER',
        grade: 2,
        outcome: 'NO_RISK',
        verifiedOn: '2026-10-15',
      },
    ]);
    expect(quiet.suppressed).toBe(1);
    expect(quiet.leads.map((l) => l.subjectKey)).toEqual(['H1', 'H2', 'H3', 'H1']);
  });
});
