/** The rules of monitoring households, as plain functions (DOMAIN.md: assistance, elimination, dynamic management). */
import { describe, expect, it } from 'vitest';
import { planWarnings } from '#domain/assistance';
import { checkElimination, type EliminationProposal, monthsBetween } from '#domain/elimination';
import { checkHousehold, type Member, noLabourCapacity, perCapitaIncomeOf } from '#domain/household';
import { lineFor } from '#domain/monitoring-line';
import { isAllowedTransition, stageAfterDecision } from '#domain/stages';
import { systemEntryRow, toCsv } from '#domain/system-entry';
import { visitDue } from '#domain/visits';

const person = (overrides: Partial<Member> = {}): Member => ({
  name: '李四',
  idNumber: '11010519491231002X',
  relation: 'HEAD',
  health: 'HEALTHY',
  labour: 'ABLE',
  schooling: 'NONE',
  employment: 'STABLE',
  medicalInsurance: true,
  pensionInsurance: true,
  minimumLiving: false,
  extremePoverty: false,
  ...overrides,
});
const child = person({
  name: '李小',
  idNumber: '370101190102039973',
  relation: 'CHILD',
  labour: 'NOT_APPLICABLE',
  schooling: 'COMPULSORY',
  employment: 'NONE',
});
const income = {
  year: 2026,
  wages: 20000,
  business: 3000,
  property: 0,
  transfers: 1000,
  businessExpenses: 1000,
};

describe('household registry', () => {
  it('computes per-capita net income exactly, per year', () => {
    expect(perCapitaIncomeOf({ members: [person(), child], incomes: [income] }, 2026)).toBe(11500);
    expect(perCapitaIncomeOf({ members: [person(), child], incomes: [income] }, 2025)).toBeUndefined();
    const thirds = { ...income, wages: 10000.01, business: 0, transfers: 0, businessExpenses: 0 };
    expect(perCapitaIncomeOf({ members: [person(), child, child], incomes: [thirds] }, 2026)).toBe(3333.34);
  });

  it('finds the inconsistencies of DOMAIN.md, each with its field', () => {
    expect(checkHousehold({ members: [person(), child], incomes: [income] })).toEqual([]);
    const student = { ...child, labour: 'ABLE' as const };
    expect(checkHousehold({ members: [person(), student], incomes: [] })).toEqual([
      expect.objectContaining({ path: 'members[1].labour' }),
    ]);
    const idle = person({ labour: 'NONE', employment: 'UNSTABLE' });
    const findings = checkHousehold({ members: [idle], incomes: [] }, ['UNSTABLE_EMPLOYMENT']);
    expect(findings.map((f) => f.path)).toEqual(['members[0].employment', 'riskTypes']);
    expect(checkHousehold({ members: [child], incomes: [income, income] }).map((f) => f.path)).toEqual([
      'members',
      'incomes[1].year',
    ]);
  });

  it('flags 整户无劳动能力 only when nobody can work', () => {
    expect(noLabourCapacity([person({ labour: 'NONE' }), child])).toBe(true);
    expect(noLabourCapacity([person({ labour: 'PARTIAL' }), child])).toBe(false);
    expect(noLabourCapacity([])).toBe(false);
  });

  it('knows the line only where it is configured', () => {
    expect(lineFor('341302105201', 2021)).toBe(6000);
    expect(lineFor('341302105201', 2026)).toBeUndefined();
    expect(lineFor('341302105201', 2026, [{ region: '34', year: 2026, amount: 7700, source: 't' }])).toBe(
      7700,
    );
  });
});

describe('assistance plan rules (warnings)', () => {
  it('wants a targeted measure for every risk', () => {
    const warnings = planWarnings({
      riskTypes: ['ILLNESS', 'EDUCATION'],
      members: [person({ labour: 'NONE' }), child],
      measures: [
        { type: 'HEALTH', status: 'IN_PROGRESS' },
        { type: 'MINIMUM_LIVING', status: 'DONE' },
      ],
    });
    expect(warnings.map((w) => w.rule)).toEqual(['RISK_WITHOUT_MEASURE']);
    expect(warnings[0]!.message).toContain('因学');
  });

  it('wants development measures where someone can work, and a safety net where nobody can', () => {
    const able = planWarnings({
      riskTypes: [],
      members: [person()],
      measures: [{ type: 'HEALTH', status: 'DONE' }],
    });
    expect(able.map((w) => w.rule)).toEqual(['ABLE_WITHOUT_DEVELOPMENT']);
    const none = planWarnings({
      riskTypes: [],
      members: [person({ labour: 'NONE' })],
      measures: [{ type: 'HEALTH', status: 'DONE' }],
    });
    expect(none.map((w) => w.rule)).toEqual(['NO_LABOUR_WITHOUT_SAFETY_NET']);
    expect(none[0]!.message).toContain('整户无劳动能力');
    const stable = planWarnings({
      riskTypes: [],
      members: [person({ labour: 'NONE' })],
      measures: [{ type: 'HEALTH', status: 'DONE' }],
      stableIncome: true,
    });
    expect(stable).toEqual([]);
  });

  it('does not count stopped measures', () => {
    const warnings = planWarnings({
      riskTypes: [],
      members: [person()],
      measures: [{ type: 'EMPLOYMENT', status: 'STOPPED' }],
    });
    expect(warnings.map((w) => w.rule)).toContain('NO_MEASURE');
  });
});

describe('风险消除 rules', () => {
  const proposal: EliminationProposal = {
    way: 'ASSISTED',
    incomeAboveLineSince: '2026-01',
    rigidExpensesSettled: true,
    compulsoryEducationSecure: true,
    basicMedicalSecure: true,
    housingSecure: true,
    drinkingWaterSecure: true,
  };
  const base = {
    proposal,
    facts: { members: [person(), child], incomes: [income] },
    monitoredSince: '2026-01-10',
    today: '2026-08-01',
    measures: [{ status: 'DONE' }],
    lineOf: (_year: number): number | undefined => 7700,
  };

  it('passes a household that meets every condition', () => {
    expect(checkElimination(base)).toMatchObject({
      eligible: true,
      notMarked: false,
      weakStability: false,
      perCapitaIncome: 11500,
    });
  });

  it('names each condition not met', () => {
    const rules = (input: Partial<typeof base>) =>
      checkElimination({ ...base, ...input }).findings.map((f) => f.rule);
    expect(rules({ monitoredSince: '2026-02-02' })).toEqual(['MONITORED_TOO_SHORT']);
    expect(rules({ measures: [{ status: 'IN_PROGRESS' }] })).toEqual(['NO_MEASURE_CARRIED_OUT']);
    expect(rules({ lineOf: () => 12000 })).toEqual(['INCOME_BELOW_LINE']);
    expect(rules({ facts: { members: [person(), child], incomes: [] } })).toEqual(['INCOME_NOT_RECORDED']);
    expect(rules({ proposal: { ...proposal, incomeAboveLineSince: '2026-03' } })).toEqual([
      'INCOME_NOT_STABLE_LONG_ENOUGH',
    ]);
    expect(rules({ proposal: { ...proposal, rigidExpensesSettled: false } })).toEqual([
      'RIGID_EXPENSES_UNSETTLED',
    ]);
    const water = checkElimination({
      ...base,
      proposal: { ...proposal, drinkingWaterSecure: false, housingSecure: false },
    });
    expect(water.findings[0]!.message).toBe('住房安全、饮水安全尚未保障');
  });

  it('does not mark a household with no labour at all (暂不标注)', () => {
    const result = checkElimination({
      ...base,
      facts: { members: [person({ labour: 'NONE' })], incomes: [income] },
    });
    expect(result).toMatchObject({ eligible: false, notMarked: true });
    expect(result.findings[0]!.message).toMatch(/^暂不标注/);
  });

  it('refuses weak stability just above the line: the measures go on (稳定性较弱)', () => {
    const weak = checkElimination({ ...base, lineOf: () => 11000 });
    expect(weak).toMatchObject({ eligible: false, weakStability: true, perCapitaIncome: 11500, line: 11000 });
    expect(weak.findings.map((f) => f.rule)).toEqual(['WEAK_STABILITY']);
    expect(weak.findings[0]!.message).toMatch(/^稳定性较弱/);
    // 10% above the line is stable
    expect(checkElimination({ ...base, lineOf: () => 10454 })).toMatchObject({
      eligible: true,
      weakStability: false,
    });
  });

  it("judges each year's income against the line of that same year, and refuses a year without one", () => {
    // proposed in August 2027 with only 2026 income recorded: 11,500 against 2026's 7,700, not 2027's 10,800
    const lines: Record<number, number> = { 2026: 7700, 2027: 10800 };
    const lastYear = checkElimination({ ...base, today: '2027-08-01', lineOf: (y) => lines[y] });
    expect(lastYear).toMatchObject({ eligible: true, incomeYear: 2026, line: 7700, weakStability: false });
    const unset = checkElimination({ ...base, lineOf: () => undefined });
    expect(unset.eligible).toBe(false);
    expect(unset.findings.map((f) => f.rule)).toEqual(['LINE_NOT_CONFIGURED']);
    expect(unset.findings[0]!.message).toContain('未配置2026年的监测范围');
  });

  it('counts whole months', () => {
    expect(monthsBetween('2026-01-31', '2026-07-30')).toBe(5);
    expect(monthsBetween('2026-01-31', '2026-07-31')).toBe(6);
    expect(monthsBetween('2026-01', '2026-07-01')).toBe(6);
    expect(monthsBetween('2026-08-01', '2026-07-01')).toBe(0);
  });
});

describe('follow-up visits', () => {
  it('is overdue past the interval, counted from the last visit or the start of monitoring', () => {
    expect(visitDue({ monitoredSince: '2026-01-01', today: '2026-01-31' }).followUpOverdue).toBe(false);
    expect(visitDue({ monitoredSince: '2026-01-01', today: '2026-02-05' })).toMatchObject({
      followUpOverdue: true,
      overdueDays: 5,
      nextVisitOn: '2026-01-31',
    });
    expect(
      visitDue({ monitoredSince: '2026-01-01', lastVisitOn: '2026-02-01', today: '2026-02-05' })
        .followUpOverdue,
    ).toBe(false);
    const rules = { intervalDays: 7, concentratedMonths: 6 };
    expect(
      visitDue({ monitoredSince: '2026-01-01', lastVisitOn: '2026-02-01', today: '2026-02-10', rules })
        .followUpOverdue,
    ).toBe(true);
  });

  it('wants a concentrated inspection every half year', () => {
    expect(visitDue({ monitoredSince: '2026-01-01', today: '2026-07-01' }).concentratedOverdue).toBe(true);
    expect(
      visitDue({ monitoredSince: '2026-01-01', lastConcentratedOn: '2026-06-15', today: '2026-07-01' })
        .concentratedOverdue,
    ).toBe(false);
  });
});

describe('elimination stages and the national-system batch', () => {
  it('moves an elimination case through the same levels to RISK_ELIMINATED', () => {
    const options = { groupReview: true, kind: 'ELIMINATION' as const };
    expect(isAllowedTransition('SUBMITTED', 'VILLAGE_REVIEW')).toBe(true);
    expect(stageAfterDecision('VILLAGE_REVIEW', 'return', options)).toBe('WITHDRAWN');
    expect(stageAfterDecision('SYSTEM_ENTRY', 'approve', options)).toBe('RISK_ELIMINATED');
    expect(stageAfterDecision('SYSTEM_ENTRY', 'approve', { groupReview: true })).toBe('ACTIVE');
    expect(isAllowedTransition('RISK_ELIMINATED', 'ACTIVE')).toBe(false);
  });

  it('writes the entry row with labels and a CSV Excel opens', () => {
    const row = systemEntryRow({
      kind: 'ELIMINATION',
      caseId: '341302105201-E1',
      village: '341302105201',
      group: '第一组',
      head: { name: '李四, "老李"', idNumber: '11010519491231002X', phone: '13800000000' },
      householdSize: 3,
      householdType: 'LIFTED',
      riskTypes: ['ILLNESS', 'EDUCATION'],
      perCapitaIncome: 10400,
      eliminationWay: 'NATURAL',
      eliminationMonth: '2026-09',
    });
    expect(row).toMatchObject({
      operation: '标注风险消除',
      county: '341302',
      householdType: '脱贫户',
      riskTypes: '因病、因学',
      eliminationWay: '自然消除',
    });
    const csv = toCsv([row]);
    expect(csv.startsWith('\uFEFF操作类型,')).toBe(true);
    expect(csv).toContain('"李四, ""老李"""');
  });
});
