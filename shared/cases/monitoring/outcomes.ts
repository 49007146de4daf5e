/**
 * What happens to the household when a case ends: 纳入监测 makes it a monitoring object with a
 * first plan; 风险消除 marks it eliminated (or, refused, leaves it monitored); the 绿色通道 grant is
 * reconciled. Each is written with the case's own change, in one transaction.
 */
import { randomBytes } from 'node:crypto';
import { MEASURES_FOR_RISK, type Measure } from '#domain/assistance';
import { businessDate } from '#domain/calendar';
import type { Case, ContactPerson, IdentificationCase } from '#domain/case';
import { checkElimination, DEFAULT_ELIMINATION_RULES, type EliminationProposal } from '#domain/elimination';
import type { AssistancePlan, Household } from '#domain/household';
import { lineFor, monitoringLineFor } from '#domain/monitoring-line';
import { type MonitoringObjectType, monitoringObjectTypeFor, type RiskType } from '#domain/risk-types';
import { config } from '#runtime/config';
import { householdIdOf } from '#store/identity';
import type { CaseContext } from '../context.ts';
import type { CaseRecords } from '../identification/updates.ts';

const FIRST_NOTES: Partial<Record<RiskType, string>> = {
  ILLNESS: '医保资助、医疗救助、家庭医生签约',
  DISABILITY: '残疾人两项补贴',
  EDUCATION: '教育资助',
  DISASTER: '临时救助、灾后重建',
  ACCIDENT: '临时救助',
  INDUSTRY_FAILURE: '产业帮扶、小额信贷',
  UNSTABLE_EMPLOYMENT: '就业帮扶、公益岗位',
  LACK_OF_LABOUR: '低保兜底',
  OTHER: '社会帮扶',
};

/** The first measure per risk (精准施策), planned for the contact person to carry out. */
export function firstMeasures(
  today: string,
  riskTypes: readonly RiskType[],
  contact?: ContactPerson,
): Measure[] {
  const types = new Map(
    riskTypes.map((r) => [r === 'OTHER' ? 'SOCIAL_ASSISTANCE' : MEASURES_FOR_RISK[r][0]!, FIRST_NOTES[r]!]),
  );
  return [...types].map(([type, content]) => ({
    measureId: `M${randomBytes(5).toString('hex')}`,
    type,
    content,
    responsible: { name: contact?.name ?? '待定' },
    startsOn: today,
    status: 'PLANNED',
  }));
}

export const monitoringLine = (village: string, year: number) =>
  lineFor(village, year, config.monitoringLines);

/**
 * 监测对象类别 of a case: its declared income against the line of the year it was declared in. A year
 * without a configured line is an error (`MissingMonitoringLineError`), never a fallback figure.
 */
export function objectTypeOf(
  app: Pick<Case, 'village' | 'householdType' | 'perCapitaIncome' | 'riskTypes' | 'createdAt'>,
): MonitoringObjectType {
  const year = Number(businessDate(app.createdAt).slice(0, 4));
  return monitoringObjectTypeFor({
    householdType: app.householdType,
    perCapitaIncome: app.perCapitaIncome,
    line: monitoringLineFor(app.village, year, config.monitoringLines).amount,
    riskTypes: app.riskTypes,
  });
}

/** The registry record a case starts from when the household was never imported. */
function householdFrom(app: Case, existing: Household | undefined): Household {
  return (
    existing ?? {
      village: app.village,
      idHash: app.applicant.idHash,
      group: app.group,
      householdType: app.householdType,
      flags: {},
      head: { name: app.applicant.name, idNumber: app.applicant.idNumber, phone: app.applicant.phone },
      members: [],
      incomes: [],
    }
  );
}

/** 纳入监测: the application ACTIVE, the household monitored, the year's plan with the first measures. */
export async function activationRecords(
  ctx: CaseContext,
  current: IdentificationCase,
  contact: ContactPerson | undefined,
): Promise<CaseRecords | undefined> {
  if (current.stage === 'ACTIVE') return undefined;
  const at = ctx.clock.nowIso();
  const today = businessDate(ctx.clock.now());
  const year = Number(today.slice(0, 4));
  const objectType = objectTypeOf(current);
  const existing = await ctx.store.getHousehold(current.village, current.applicant.idHash);
  const household = householdFrom(current, existing);
  const householdId = householdIdOf(current.village, current.applicant.idHash);
  const measures = firstMeasures(businessDate(ctx.clock.now()), current.riskTypes, contact);
  const green = current.greenChannel;
  const granted: Measure[] = (green?.measures ?? []).map((m) => ({
    measureId: `G${randomBytes(5).toString('hex')}`,
    type: m.type,
    content: `绿色通道先行帮扶：${m.content}`,
    responsible: { name: green!.grantedBy, unit: '乡镇' },
    startsOn: green!.grantedAt.slice(0, 10),
    status: 'DONE',
    ...(m.amount !== undefined ? { amount: m.amount } : {}),
  }));
  const previousPlan = await ctx.store.getPlan(householdId, year);
  const plan: AssistancePlan = {
    householdId,
    year,
    measures: [...(previousPlan?.measures ?? []), ...granted, ...measures],
    version: (previousPlan?.version ?? 0) + 1,
    updatedAt: at,
  };
  const before = household.monitoring;
  return {
    next: {
      ...current,
      stage: 'ACTIVE',
      pendingApproval: undefined,
      ...(green
        ? {
            greenChannel: {
              ...green,
              status: 'CONFIRMED',
              reconciledAt: at,
              note: '已纳入监测，先行帮扶措施计入帮扶计划',
            },
          }
        : {}),
      outcome: {
        monitoringObjectType: objectType,
        contactPerson: contact,
        activatedAt: at,
        assistancePlan: { year, measures: measures.map((m) => ({ type: m.type, note: m.content })) },
      },
    },
    household: {
      previous: existing,
      next: {
        ...household,
        householdType: existing?.householdType ?? current.householdType,
        monitoring: {
          status: 'MONITORED',
          applicationId: current.applicationId,
          objectType,
          riskTypes: current.riskTypes,
          since: today,
          contactPerson: before?.contactPerson ?? contact,
          ...(before?.gridId ? { gridId: before.gridId } : {}),
          ...(before?.responsiblePerson || household.responsiblePerson
            ? { responsiblePerson: before?.responsiblePerson ?? household.responsiblePerson }
            : {}),
          ...(before?.lastVisitOn ? { lastVisitOn: before.lastVisitOn } : {}),
          cases: [
            ...(before?.cases ?? []),
            {
              caseId: current.applicationId,
              kind: 'IDENTIFICATION',
              at,
              ...(current.remarking ? { remarking: true } : {}),
            },
          ],
        },
        updatedAt: at,
      },
    },
    plan: { previous: previousPlan, next: plan },
  };
}

/** The elimination rules against the household as it is now (the proposal's own statements kept). */
export async function judgeElimination(
  ctx: CaseContext,
  household: Household,
  proposal: EliminationProposal,
) {
  const today = businessDate(ctx.clock.now());
  const householdId = householdIdOf(household.village, household.idHash);
  const year = Number(today.slice(0, 4));
  const plans = await Promise.all([
    ctx.store.getPlan(householdId, year),
    ctx.store.getPlan(householdId, year - 1),
  ]);
  return checkElimination({
    proposal,
    facts: { members: household.members ?? [], incomes: household.incomes ?? [] },
    monitoredSince: household.monitoring!.since,
    today,
    measures: plans.flatMap((p) => p?.measures ?? []),
    lineOf: (y) => monitoringLine(household.village, y),
    rules: { ...DEFAULT_ELIMINATION_RULES, ...config.eliminationRules },
  });
}
