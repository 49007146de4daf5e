/**
 * 部门筛查预警 rules (DOMAIN.md, Department extracts): reading a department's row, each rule at its
 * boundaries, merging hits into leads, the 3-month suppression, and the time limits of a lead.
 */
import { describe, expect, it } from 'vitest';
import { missingColumns, readDate, readExtractRow } from '#domain/department-extracts';
import { checkCharacter, normaliseIdNumber } from '#domain/id-number';
import {
  ageOn,
  DEFAULT_SCREENING_RULES,
  type Hit,
  isSuppressed,
  mergeHits,
  reasonKey,
  screenRow,
  UNREGISTERED,
  verificationWorkingDays,
} from '#domain/screening';
import { deadlineColour, dueOn } from '#domain/time-limits';

const TODAY = new Date('2026-12-01T00:00:00Z');
const MONTH = '2026-11';

/** A valid 18-digit number born on `birth` (YYYYMMDD). */
const idBorn = (birth: string, seq = '123') => {
  const first17 = `341302${birth}${seq}`;
  return first17 + checkCharacter(first17);
};
const ADULT = idBorn('19800101');

function row(department: Parameters<typeof readExtractRow>[0], cells: Record<string, string | number>) {
  const reading = readExtractRow(department, { 证件号码: ADULT, 姓名: '张三', ...cells }, TODAY);
  if (!reading.ok) throw new Error(JSON.stringify(reading.errors));
  if (reading.row.department === 'EMERGENCY') throw new Error('not a person row');
  return reading.row;
}
const lifted = { householdType: 'LIFTED', monitored: false } as const;
const monitored = { householdType: 'ORDINARY', monitored: true } as const;
const marginal = { householdType: 'MARGINAL', monitored: false } as const;
const grades = (hits: ReturnType<typeof screenRow>) =>
  hits.map((h) => (h.kind === 'RISK' ? `${h.rule}:${h.grade}` : h.kind === 'EXCLUSION' ? h.rule : h.change));

describe('ID numbers as departments write them', () => {
  it('upgrades a 15-digit number to 18 digits and normalises full-width digits, spaces and x', () => {
    expect(normaliseIdNumber('110105491231002')).toMatchObject({
      valid: true,
      normalized: '11010519491231002X',
    });
    expect(normaliseIdNumber('１１０１０５ ４９１２３１ ００２')).toMatchObject({
      normalized: '11010519491231002X',
    });
    expect(normaliseIdNumber('11010519491231002x')).toMatchObject({ normalized: '11010519491231002X' });
  });

  it('makes a 20-character 残疾人证号 and an 18-digit number stored as a number bad rows, naming the column', () => {
    const card = readExtractRow('DISABILITY', {
      证件号码: `${ADULT}11`,
      姓名: '李四',
      残疾类别: '肢体',
      残疾等级: '一级',
      发证日期: '2026-11-03',
    });
    expect(card).toMatchObject({ ok: false, errors: [{ column: '证件号码' }] });
    const asNumber = readExtractRow('HOUSING', {
      证件号码: Number('341302198001011233'), // what Excel keeps of it: 3.41302198001011e+17
      姓名: '李四',
      房屋安全鉴定等级: 'C',
    });
    expect(asNumber.ok ? '' : asNumber.errors[0]!.message).toContain('设为“文本”格式');
    // a 15-digit number fits a number cell exactly: read as its digits
    expect(
      readExtractRow('HOUSING', { 证件号码: 110105491231002, 姓名: '李四', 房屋安全鉴定等级: 'C' }),
    ).toMatchObject({
      ok: true,
      row: { idNumber: '11010519491231002X' },
    });
  });

  it('reports every bad cell of a row and refuses a file without a required column', () => {
    const bad = readExtractRow('MEDICAL', {
      证件号码: '123',
      姓名: '',
      年度累计个人自付金额: '-5',
      当月门诊自付金额: '1e3',
    });
    expect(bad.ok ? [] : bad.errors.map((e) => e.column)).toEqual([
      '证件号码',
      '姓名',
      '年度累计个人自付金额',
      '当月门诊自付金额',
    ]);
    expect(missingColumns('MEDICAL', [' 证件号码 ', '姓名', '年度累计个人自付金额', '备注'])).toEqual([
      '当月门诊自付金额',
    ]);
    expect([readDate('2026/11/3'), readDate('20261103'), readDate('2026-02-30')]).toEqual([
      '2026-11-03',
      '2026-11-03',
      undefined,
    ]);
  });
});

describe('each department rule at its boundaries', () => {
  it('医保: 5,000 元 for LIFTED or monitored, 20,000 for others; grades at 20,000 and 50,000; 门诊 500 for all', () => {
    const med = (annual: string, outpatient = '0') =>
      row('MEDICAL', { 年度累计个人自付金额: annual, 当月门诊自付金额: outpatient });
    expect(grades(screenRow(med('4999.99'), lifted, MONTH))).toEqual([]);
    expect(grades(screenRow(med('5000'), lifted, MONTH))).toEqual(['MEDICAL_ANNUAL:3']);
    expect(grades(screenRow(med('5000'), monitored, MONTH))).toEqual(['MEDICAL_ANNUAL:3']);
    // an unmonitored MARGINAL household takes the others' threshold
    expect(grades(screenRow(med('19999.99'), marginal, MONTH))).toEqual([]);
    expect(grades(screenRow(med('20000'), UNREGISTERED, MONTH))).toEqual(['MEDICAL_ANNUAL:2']);
    expect(grades(screenRow(med('49999.99'), lifted, MONTH))).toEqual(['MEDICAL_ANNUAL:2']);
    expect(grades(screenRow(med('50000', '500'), UNREGISTERED, MONTH))).toEqual([
      'MEDICAL_ANNUAL:1',
      'MEDICAL_OUTPATIENT:3',
    ]);
    expect(grades(screenRow(med('0', '499.99'), lifted, MONTH))).toEqual([]);
  });

  it('教育: 辍学 or 未入学 at 6–15 in whole years on the first of the month', () => {
    const pupil = (birth: string, status: string) =>
      readExtractRow('EDUCATION', { 证件号码: idBorn(birth), 姓名: '王五', 学籍状态: status }, TODAY);
    const screen = (birth: string, status = '辍学') => {
      const r = pupil(birth, status);
      if (!r.ok || r.row.department !== 'EDUCATION') throw new Error('unreadable');
      return grades(screenRow(r.row, UNREGISTERED, MONTH));
    };
    expect(ageOn('2020-11-01', MONTH)).toBe(6);
    expect(ageOn('2020-11-02', MONTH)).toBe(5);
    expect(screen('20201101')).toEqual(['OUT_OF_SCHOOL:1']);
    expect(screen('20201102')).toEqual([]);
    expect(screen('20101101', '未入学')).toEqual([]); // 16 on 11-01
    expect(screen('20101102', '未入学')).toEqual(['OUT_OF_SCHOOL:1']); // still 15
    expect(screen('20101031')).toEqual([]);
    expect(screen('20151101', '休学')).toEqual([]);
  });

  it('住建, 民政, 人社 and 市场监管 as the table says', () => {
    expect(grades(screenRow(row('HOUSING', { 房屋安全鉴定等级: 'D' }), UNREGISTERED, MONTH))).toEqual([
      'UNSAFE_HOUSING:1',
    ]);
    expect(grades(screenRow(row('HOUSING', { 房屋安全鉴定等级: 'B' }), lifted, MONTH))).toEqual([]);
    const civil = (category: string, change: string) =>
      row('CIVIL_AFFAIRS', { 救助类别: category, 变动类型: change });
    expect(grades(screenRow(civil('临时救助', '新增'), UNREGISTERED, MONTH))).toEqual([
      'TEMPORARY_ASSISTANCE:2',
    ]);
    expect(grades(screenRow(civil('低保', '退出'), monitored, MONTH))).toEqual(['ASSISTANCE_ENDED:2']);
    expect(grades(screenRow(civil('特困', '退出'), lifted, MONTH))).toEqual([]);
    expect(grades(screenRow(civil('特困', '新增'), UNREGISTERED, MONTH))).toEqual(['ASSISTANCE_STARTED:3']);
    expect(grades(screenRow(civil('低保边缘', '新增'), monitored, MONTH))).toEqual([]);
    const job = row('HUMAN_RESOURCES', { 就业状态: '登记失业', 变动日期: '2025-03-01' });
    expect(grades(screenRow(job, marginal, MONTH))).toEqual(['REGISTERED_UNEMPLOYED:2']); // a state: not month-filtered
    expect(grades(screenRow(job, UNREGISTERED, MONTH))).toEqual([]);
    const role = (r: string) => row('MARKET_REGULATION', { 任职类型: r, 企业名称: '某公司' });
    expect(grades(screenRow(role('监事'), lifted, MONTH))).toEqual(['companyExecutive']);
    expect(grades(screenRow(role('股东'), lifted, MONTH))).toEqual(['SHAREHOLDER:3']);
  });

  it('残联 and 公安 count only events dated in the screening month', () => {
    const card = (level: string, issued: string) =>
      row('DISABILITY', { 残疾类别: '视力', 残疾等级: level, 发证日期: issued });
    expect(grades(screenRow(card('二级', '2026-11-30'), UNREGISTERED, MONTH))).toEqual([
      'SEVERE_DISABILITY:1',
    ]);
    expect(grades(screenRow(card('四级', '2026-11-01'), UNREGISTERED, MONTH))).toEqual(['DISABILITY:3']);
    expect(grades(screenRow(card('一级', '2026-10-31'), UNREGISTERED, MONTH))).toEqual([]);
    const police = (matter: string, vehicle: string, on = '2026-11-15') =>
      row('PUBLIC_SECURITY', { 事项: matter, 车辆类型: vehicle, 发生日期: on });
    expect(grades(screenRow(police('机动车登记', '小型轿车'), lifted, MONTH))).toEqual(['privateCar']);
    expect(grades(screenRow(police('机动车登记', '小型轿车 '), lifted, MONTH))).toEqual(['privateCar']); // trimmed
    expect(grades(screenRow(police('机动车登记', '轻型货车'), lifted, MONTH))).toEqual([]);
    expect(grades(screenRow(police('死亡', ''), lifted, MONTH))).toEqual(['DEATH']);
    expect(grades(screenRow(police('户籍迁出', '', '2026-12-01'), lifted, MONTH))).toEqual([]);
  });

  it('应急 rows name villages and disaster kinds; an unknown kind is a bad row', () => {
    const read = (kind: string) =>
      readExtractRow('EMERGENCY', {
        村代码: '341302105201',
        灾害类型: kind,
        发生日期: '2026-07-20',
        受灾户数: '37',
      });
    expect(read('地震')).toMatchObject({ ok: true, row: { disaster: 'GEOLOGICAL', households: 37 } });
    expect(read('台风')).toMatchObject({ ok: false, errors: [{ column: '灾害类型' }] });
  });
});

describe('leads from hits', () => {
  const risk = (department: Hit['department'], grade: 1 | 2 | 3): Extract<Hit, { kind: 'RISK' }> => ({
    kind: 'RISK',
    department,
    rule: 'MEDICAL_ANNUAL',
    grade,
    value: '',
  });

  it('merges a household month into one lead at its highest grade; exclusions are leads of their own', () => {
    const leads = mergeHits([
      { subjectKey: 'H1', hit: risk('MEDICAL', 3) },
      { subjectKey: 'H1', hit: { ...risk('HOUSING', 1), rule: 'UNSAFE_HOUSING' } },
      {
        subjectKey: 'H1',
        hit: { kind: 'EXCLUSION', department: 'PUBLIC_SECURITY', rule: 'privateCar', value: '' },
      },
      { subjectKey: 'H2', hit: risk('MEDICAL', 2) },
    ]);
    expect(leads.map((l) => [l.subjectKey, l.kind, l.grade, l.reasons.length])).toEqual([
      ['H1', 'RISK', 1, 2],
      ['H1', 'EXCLUSION', 1, 1],
      ['H2', 'RISK', 2, 1],
    ]);
    expect(leads.map((l) => verificationWorkingDays(l))).toEqual([3, 3, 5]);
  });

  it('keeps the same lead quiet for three months after NO_RISK, unless its grade rises', () => {
    const lead = { kind: 'RISK' as const, grade: 2 as const, reasons: [risk('MEDICAL', 2)] };
    const earlier = [
      {
        reasonKey: reasonKey(lead),
        grade: 2 as const,
        outcome: 'NO_RISK' as const,
        verifiedOn: '2026-09-01',
      },
    ];
    expect(isSuppressed(lead, earlier, '2026-11-30')).toBe(true);
    expect(isSuppressed(lead, earlier, '2026-12-01')).toBe(false);
    expect(isSuppressed({ ...lead, grade: 1 }, earlier, '2026-10-01')).toBe(false);
    expect(isSuppressed({ ...lead, grade: 3 }, earlier, '2026-10-01')).toBe(true);
    expect(isSuppressed(lead, [{ ...earlier[0]!, outcome: 'DATA_ERROR' }], '2026-10-01')).toBe(false);
    const other = { ...lead, reasons: [{ ...risk('HOUSING', 2), rule: 'UNSAFE_HOUSING' as const }] };
    expect(isSuppressed(other, earlier, '2026-10-01')).toBe(false);
    expect(DEFAULT_SCREENING_RULES.suppressionMonths).toBe(3);
  });

  it('is due in working days over holidays and 调休, and coloured against today', () => {
    // arrives Tuesday 2026-09-29; 国庆 and 中秋 2026 run 10-01…10-07, with 10-10 (Saturday) worked
    expect(dueOn('2026-09-29', 3).dueOn).toBe('2026-10-09');
    expect(dueOn('2026-11-02', 10).dueOn).toBe('2026-11-16');
    expect(deadlineColour('2026-11-16', '2026-11-12')).toBe('GREEN');
    expect(deadlineColour('2026-11-16', '2026-11-13')).toBe('YELLOW'); // Friday: one working day left
    expect(deadlineColour('2026-11-16', '2026-11-16')).toBe('YELLOW');
    expect(deadlineColour('2026-11-16', '2026-11-17')).toBe('ORANGE');
    expect(deadlineColour('2026-11-16', '2026-11-20')).toBe('ORANGE'); // 4 working days past
    expect(deadlineColour('2026-11-16', '2026-11-23')).toBe('RED');
  });
});
