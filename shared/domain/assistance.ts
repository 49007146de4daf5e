/**
 * 帮扶措施: 一户一方案、一人一措施 (DOMAIN.md, Assistance measures). The rules are warnings for
 * reviewers, never refusals: a cadre may have reasons the data does not show.
 */
import { type Member, noLabourCapacity } from './household.ts';
import { RISK_TYPES, type RiskType } from './risk-types.ts';

export const MEASURE_TYPES = {
  INDUSTRY: '产业帮扶',
  EMPLOYMENT: '就业帮扶',
  MICROCREDIT: '小额信贷',
  PUBLIC_WELFARE_POST: '公益岗位',
  HOUSING: '住房安全',
  DRINKING_WATER: '饮水安全',
  HEALTH: '健康帮扶',
  COMPULSORY_EDUCATION: '义务教育保障',
  OTHER_EDUCATION: '雨露计划等教育帮扶',
  MINIMUM_LIVING: '低保',
  EXTREME_POVERTY_SUPPORT: '特困供养',
  TEMPORARY_ASSISTANCE: '临时救助',
  DISABILITY_SUBSIDY: '残疾人补贴',
  SOCIAL_ASSISTANCE: '社会帮扶',
  RELOCATION: '搬迁',
  LIVING_CONDITIONS: '生产生活条件改善',
} as const;
export type MeasureType = keyof typeof MEASURE_TYPES;
export const MEASURE_TYPE_CODES = Object.keys(MEASURE_TYPES) as [MeasureType, ...MeasureType[]];

export const MEASURE_STATUSES = {
  PLANNED: '计划中',
  IN_PROGRESS: '实施中',
  DONE: '已落实',
  STOPPED: '已终止',
} as const;
export type MeasureStatus = keyof typeof MEASURE_STATUSES;

/** 开发式帮扶: measures that build the household's own income. */
export const DEVELOPMENT_MEASURES: readonly MeasureType[] = [
  'INDUSTRY',
  'EMPLOYMENT',
  'MICROCREDIT',
  'PUBLIC_WELFARE_POST',
];
/** 兜底保障 */
export const SAFETY_NET_MEASURES: readonly MeasureType[] = ['MINIMUM_LIVING', 'EXTREME_POVERTY_SUPPORT'];

/** Which measures answer which risk (精准施策: one risk → a targeted measure). */
export const MEASURES_FOR_RISK: Record<RiskType, readonly MeasureType[]> = {
  ILLNESS: ['HEALTH', 'TEMPORARY_ASSISTANCE', 'MINIMUM_LIVING'],
  DISABILITY: ['DISABILITY_SUBSIDY', 'HEALTH', 'PUBLIC_WELFARE_POST'],
  EDUCATION: ['COMPULSORY_EDUCATION', 'OTHER_EDUCATION'],
  DISASTER: ['TEMPORARY_ASSISTANCE', 'HOUSING', 'LIVING_CONDITIONS', 'RELOCATION', 'SOCIAL_ASSISTANCE'],
  ACCIDENT: ['TEMPORARY_ASSISTANCE', 'HEALTH', 'SOCIAL_ASSISTANCE'],
  INDUSTRY_FAILURE: ['INDUSTRY', 'MICROCREDIT', 'EMPLOYMENT'],
  UNSTABLE_EMPLOYMENT: ['EMPLOYMENT', 'PUBLIC_WELFARE_POST'],
  LACK_OF_LABOUR: ['MINIMUM_LIVING', 'EXTREME_POVERTY_SUPPORT', 'PUBLIC_WELFARE_POST'],
  OTHER: MEASURE_TYPE_CODES,
};

export interface Measure {
  measureId: string;
  type: MeasureType;
  /** the member it is for (一人一措施); absent for a household measure */
  memberIdNumber?: string;
  content: string;
  /** 责任人 */
  responsible: { name: string; unit?: string };
  startsOn: string;
  status: MeasureStatus;
  /** 帮扶成效 */
  outcome?: string;
  /** 帮扶资金, yuan */
  amount?: number;
}

export interface PlanWarning {
  rule: 'RISK_WITHOUT_MEASURE' | 'ABLE_WITHOUT_DEVELOPMENT' | 'NO_LABOUR_WITHOUT_SAFETY_NET' | 'NO_MEASURE';
  message: string;
}

/** The assistance rules as warnings for the plan's readers. */
export function planWarnings(input: {
  riskTypes: readonly RiskType[];
  members: readonly Member[];
  measures: readonly Pick<Measure, 'type' | 'status'>[];
  /** 有稳定收入 (e.g. a stable job or pension income) */
  stableIncome?: boolean;
}): PlanWarning[] {
  const live = input.measures.filter((m) => m.status !== 'STOPPED').map((m) => m.type);
  const warnings: PlanWarning[] = [];
  if (live.length === 0) warnings.push({ rule: 'NO_MEASURE', message: '尚未落实任何帮扶措施' });
  for (const risk of input.riskTypes) {
    if (risk !== 'OTHER' && !live.some((t) => MEASURES_FOR_RISK[risk].includes(t))) {
      warnings.push({ rule: 'RISK_WITHOUT_MEASURE', message: `风险“${RISK_TYPES[risk]}”没有针对性帮扶措施` });
    }
  }
  const able = input.members.some((m) => m.labour === 'ABLE' || m.labour === 'SKILLED');
  if (able && !live.some((t) => DEVELOPMENT_MEASURES.includes(t))) {
    warnings.push({
      rule: 'ABLE_WITHOUT_DEVELOPMENT',
      message: '家中有劳动能力的成员，应优先落实产业、就业等开发式帮扶措施',
    });
  }
  const weakLabour = !able;
  if (weakLabour && !input.stableIncome && !live.some((t) => SAFETY_NET_MEASURES.includes(t))) {
    warnings.push({
      rule: 'NO_LABOUR_WITHOUT_SAFETY_NET',
      message: noLabourCapacity(input.members)
        ? '整户无劳动能力且无稳定收入，应纳入低保或特困供养兜底保障'
        : '家中仅有弱劳动力且无稳定收入，应纳入低保或特困供养兜底保障',
    });
  }
  return warnings;
}
