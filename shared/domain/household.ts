/**
 * The household registry (户籍与家庭成员): members with the fields the policy weighs, yearly income by
 * component, and the consistency checks of DOMAIN.md (Risk types). Pure: the import, the staff API
 * and the elimination check all read a household through these functions.
 */

import type { Measure } from './assistance.ts';
import type { ContactPerson } from './case.ts';
import type { HouseholdFlags } from './eligibility.ts';
import type { EliminationWay } from './elimination.ts';
import { type IncomeComponents, netIncomeFen, toYuan } from './income.ts';
import type { HouseholdType, MonitoringObjectType, RiskType } from './risk-types.ts';
import type { CaseKind } from './stages.ts';
import type { VisitKind } from './visits.ts';

/** 与户主关系 */
export const RELATIONS = {
  HEAD: '户主',
  SPOUSE: '配偶',
  CHILD: '子女',
  CHILD_IN_LAW: '儿媳/女婿',
  GRANDCHILD: '孙子女',
  PARENT: '父母',
  SIBLING: '兄弟姐妹',
  OTHER: '其他',
} as const;
/** 健康状况 */
export const HEALTH = {
  HEALTHY: '健康',
  CHRONIC_ILLNESS: '长期慢性病',
  SERIOUS_ILLNESS: '患有大病',
  DISABLED: '残疾',
} as const;
/** 劳动技能 / 劳动能力 */
export const LABOUR = {
  ABLE: '普通劳动力',
  SKILLED: '技能劳动力',
  PARTIAL: '弱劳动力或半劳动力',
  NONE: '丧失劳动力',
  NOT_APPLICABLE: '无劳动力（老人、儿童、在校生）',
} as const;
/** 在校生状况 */
export const SCHOOLING = {
  NONE: '非在校生',
  PRESCHOOL: '学前教育',
  COMPULSORY: '义务教育',
  HIGH_SCHOOL: '高中/中职',
  HIGHER: '大专及以上',
} as const;
/** 务工情况 */
export const EMPLOYMENT = {
  NONE: '未务工',
  STABLE: '稳定务工',
  UNSTABLE: '务工不稳定',
  LOCAL_FARMING: '在家务农',
  PUBLIC_WELFARE_POST: '公益岗位',
} as const;

export type Relation = keyof typeof RELATIONS;
export type Health = keyof typeof HEALTH;
export type Labour = keyof typeof LABOUR;
export type Schooling = keyof typeof SCHOOLING;
export type Employment = keyof typeof EMPLOYMENT;

export interface Member {
  name: string;
  idNumber: string;
  relation: Relation;
  health: Health;
  labour: Labour;
  schooling: Schooling;
  employment: Employment;
  /** 参加城乡居民基本医疗保险 */
  medicalInsurance: boolean;
  /** 参加城乡居民基本养老保险 */
  pensionInsurance: boolean;
  /** 享受低保 */
  minimumLiving: boolean;
  /** 特困供养 */
  extremePoverty: boolean;
}

export interface YearIncome extends IncomeComponents {
  year: number;
}

export interface HouseholdFacts {
  members: readonly Member[];
  incomes: readonly YearIncome[];
}

const canWork = (m: Member) => m.labour === 'ABLE' || m.labour === 'SKILLED' || m.labour === 'PARTIAL';

/** 整户无劳动能力: nobody in the household can work. */
export const noLabourCapacity = (members: readonly Member[]): boolean =>
  members.length > 0 && !members.some(canWork);

export interface Inconsistency {
  /** field path, e.g. `members[2].labour` */
  path: string;
  message: string;
}

/** The registry's consistency checks; each finding names the field it is about. */
export function checkHousehold(facts: HouseholdFacts, riskTypes: readonly RiskType[] = []): Inconsistency[] {
  const found: Inconsistency[] = [];
  const heads = facts.members.filter((m) => m.relation === 'HEAD').length;
  if (heads !== 1) found.push({ path: 'members', message: `应有且仅有一名户主，现有${heads}名` });
  const ids = new Set<string>();
  facts.members.forEach((m, i) => {
    if (ids.has(m.idNumber)) found.push({ path: `members[${i}].idNumber`, message: '证件号码在本户重复' });
    ids.add(m.idNumber);
    if (m.schooling !== 'NONE' && canWork(m)) {
      found.push({
        path: `members[${i}].labour`,
        message: '在校生不计劳动力，应为“无劳动力（老人、儿童、在校生）”',
      });
    }
    if ((m.employment === 'STABLE' || m.employment === 'UNSTABLE') && !canWork(m)) {
      found.push({ path: `members[${i}].employment`, message: '无劳动能力的成员不应登记为务工' });
    }
  });
  if (riskTypes.includes('UNSTABLE_EMPLOYMENT') && noLabourCapacity(facts.members)) {
    found.push({ path: 'riskTypes', message: '整户无劳动能力，不应选择“因务工就业不稳”' });
  }
  const years = new Set<number>();
  facts.incomes.forEach((income, i) => {
    if (years.has(income.year)) found.push({ path: `incomes[${i}].year`, message: '同一年度收入重复登记' });
    years.add(income.year);
  });
  return found;
}

/** 家庭人均纯收入 of one year, in yuan; undefined when that year's income is not recorded. */
export function perCapitaIncomeOf(facts: HouseholdFacts, year: number): number | undefined {
  const income = facts.incomes.find((i) => i.year === year);
  if (!income || facts.members.length === 0) return undefined;
  return toYuan(Math.round(netIncomeFen(income) / facts.members.length));
}

/** The per-capita income against a line: how far above or below, in yuan. */
export function againstLine(perCapita: number, line: number): { below: boolean; margin: number } {
  return { below: perCapita < line, margin: toYuan(Math.round((perCapita - line) * 100)) };
}

/** 监测状态 of a household: set by activation, by elimination, by re-marking. */
export interface MonitoringState {
  status: 'MONITORED' | 'RISK_ELIMINATED';
  /** the identification that made it a monitoring object */
  applicationId: string;
  objectType: MonitoringObjectType;
  riskTypes: RiskType[];
  /** YYYY-MM-DD it became a monitoring object */
  since: string;
  /** 帮扶联系人 */
  contactPerson?: ContactPerson;
  gridId?: string;
  /** 帮扶责任人 of a lifted household, kept */
  responsiblePerson?: { name: string; phone?: string; unit?: string };
  eliminated?: { way: EliminationWay; month: string; caseId: string; weakStability: boolean };
  /** an exclusion (消费型轿车, 企业高管) a lead's verification confirmed: for the township to review, never removed by itself */
  exclusionReview?: { leadId: string; rule: string; at: string };
  /** 暂不标注: the last elimination proposal refused because nobody can work */
  notMarked?: { at: string; reason: string };
  lastVisitOn?: string;
  lastConcentratedOn?: string;
  /** business date of the last overdue reminder, so a day sends one */
  visitReminderOn?: string;
  /** every identification and elimination of this household, oldest first (再标注 links) */
  cases: { caseId: string; kind: CaseKind; at: string; remarking?: boolean }[];
}

/** A household of the registry (户籍), keyed by its head's ID number hash within a village. */
export interface Household {
  village: string;
  idHash: string;
  group?: string;
  householdType: HouseholdType;
  flags: HouseholdFlags;
  head?: { name: string; idNumber: string; phone: string };
  members?: Member[];
  /** each member's ID-number hash, so a member is found without the (sealed) number */
  memberIdHashes?: string[];
  incomes?: YearIncome[];
  /** 帮扶责任人 from the registry (lifted households keep theirs when monitored) */
  responsiblePerson?: { name: string; phone?: string; unit?: string };
  monitoring?: MonitoringState;
  version?: number;
  updatedAt?: string;
}

/** 一户一方案: one plan per household per year. */
export interface AssistancePlan {
  householdId: string;
  year: number;
  measures: Measure[];
  version: number;
  updatedAt: string;
}

export interface Grid {
  village: string;
  gridId: string;
  name: string;
  /** 网格员 and 帮扶联系人 of this grid */
  members: string[];
  updatedAt: string;
}

export interface Visit {
  visitId: string;
  householdId: string;
  kind: VisitKind;
  visitor: { personId: string; name: string };
  visitedOn: string;
  findings: string;
  newRiskTypes: RiskType[];
  recordedAt: string;
}
