/** 致贫返贫风险类型 (DOMAIN.md, Risk types): codes integrators send, labels people read. */
export const RISK_TYPES = {
  ILLNESS: '因病',
  DISABILITY: '因残',
  EDUCATION: '因学',
  DISASTER: '因自然灾害',
  ACCIDENT: '因意外事故',
  INDUSTRY_FAILURE: '因产业项目失败',
  UNSTABLE_EMPLOYMENT: '因务工就业不稳',
  LACK_OF_LABOUR: '缺劳动力',
  OTHER: '其他',
} as const;

export type RiskType = keyof typeof RISK_TYPES;
export const RISK_TYPE_CODES = Object.keys(RISK_TYPES) as [RiskType, ...RiskType[]];
/** A household carries at most five risks. */
export const MAX_RISK_TYPES = 5;

/** 监测对象类别 */
export const MONITORING_OBJECT_TYPES = {
  UNSTABLE_LIFTED: '脱贫不稳定户',
  MARGINAL: '边缘易致贫户',
  SUDDEN_HARDSHIP: '突发严重困难户',
} as const;
export type MonitoringObjectType = keyof typeof MONITORING_OBJECT_TYPES;

/** 户类型 on the inspection form and in the registry. */
export const HOUSEHOLD_TYPES = { LIFTED: '脱贫户', MARGINAL: '边缘易致贫户', ORDINARY: '一般农户' } as const;
export type HouseholdType = keyof typeof HOUSEHOLD_TYPES;

/**
 * The monitoring-object type a newly activated case gets: a lifted household at risk is 脱贫不稳定户;
 * a sudden shock (illness, disaster, accident) on a household above the line is 突发严重困难户; the rest
 * are 边缘易致贫户.
 */
export function monitoringObjectTypeFor(input: {
  householdType: HouseholdType;
  perCapitaIncome: number;
  line: number;
  riskTypes: readonly RiskType[];
}): MonitoringObjectType {
  if (input.householdType === 'LIFTED') return 'UNSTABLE_LIFTED';
  const sudden = input.riskTypes.some((r) => r === 'ILLNESS' || r === 'DISASTER' || r === 'ACCIDENT');
  if (sudden && input.perCapitaIncome >= input.line) return 'SUDDEN_HARDSHIP';
  return 'MARGINAL';
}
