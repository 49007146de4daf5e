/**
 * 风险消除 (DOMAIN.md, Risk elimination): whether a proposal may go to 评议, and the way and month
 * it is marked with. A weakly stable household is not marked: the seed says keep helping first. A household with no labour capacity is not marked at all (暂不标注): it stays
 * monitored under social protection.
 */
import { againstLine, type HouseholdFacts, noLabourCapacity, perCapitaIncomeOf } from './household.ts';

export const ELIMINATION_WAYS = { ASSISTED: '帮扶消除', NATURAL: '自然消除' } as const;
export type EliminationWay = keyof typeof ELIMINATION_WAYS;

/** What the 村两委 states in the proposal, beyond what the registry knows. */
export interface EliminationProposal {
  way: EliminationWay;
  /** first month (YYYY-MM) from which income has stayed above the line */
  incomeAboveLineSince: string;
  /** large 刚性支出 (medical, schooling) settled */
  rigidExpensesSettled: boolean;
  compulsoryEducationSecure: boolean;
  basicMedicalSecure: boolean;
  housingSecure: boolean;
  drinkingWaterSecure: boolean;
}

export interface EliminationRules {
  /** months monitored before elimination (default 6) */
  minMonitoredMonths: number;
  /** months of income above the line (default 6) */
  minStableIncomeMonths: number;
  /** a margin above the line below this share of the line counts as weak stability (default 0.1) */
  weakStabilityMargin: number;
}

export const DEFAULT_ELIMINATION_RULES: EliminationRules = {
  minMonitoredMonths: 6,
  minStableIncomeMonths: 6,
  weakStabilityMargin: 0.1,
};

export interface EliminationFinding {
  rule:
    | 'NO_LABOUR_CAPACITY'
    | 'MONITORED_TOO_SHORT'
    | 'NO_MEASURE_CARRIED_OUT'
    | 'INCOME_NOT_RECORDED'
    | 'LINE_NOT_CONFIGURED'
    | 'INCOME_BELOW_LINE'
    | 'WEAK_STABILITY'
    | 'INCOME_NOT_STABLE_LONG_ENOUGH'
    | 'RIGID_EXPENSES_UNSETTLED'
    | 'THREE_GUARANTEES_OR_WATER';
  message: string;
}

export interface EliminationCheck {
  eligible: boolean;
  /** 暂不标注: no labour capacity, kept under monitoring */
  notMarked: boolean;
  findings: EliminationFinding[];
  perCapitaIncome?: number;
  /** the year whose income was judged, and that year's line (absent where none is configured) */
  incomeYear?: number;
  line?: number;
  /** 稳定性较弱: not marked; the measures go on and the household may be proposed again */
  weakStability: boolean;
}

/** Whole months from `from` to `to` (dates or months as ISO strings), never negative. */
export function monthsBetween(from: string, to: string): number {
  const [fy, fm, fd = 1] = from.split('-').map(Number);
  const [ty, tm, td = 1] = to.split('-').map(Number);
  const months = (ty! - fy!) * 12 + (tm! - fm!) - (td! < fd! ? 1 : 0);
  return Math.max(0, months);
}

export function checkElimination(input: {
  proposal: EliminationProposal;
  facts: HouseholdFacts;
  /** YYYY-MM-DD the household became a monitoring object */
  monitoredSince: string;
  /** business date of the proposal */
  today: string;
  measures: readonly { status: string }[];
  /** a year's monitoring line; undefined where none is configured (an error, never a fallback figure) */
  lineOf: (year: number) => number | undefined;
  rules?: EliminationRules;
}): EliminationCheck {
  const rules = input.rules ?? DEFAULT_ELIMINATION_RULES;
  const year = Number(input.today.slice(0, 4));
  // this year's income where recorded, else last year's: each judged against the line of its own year
  const incomeYear = [year, year - 1].find((y) => perCapitaIncomeOf(input.facts, y) !== undefined);
  const perCapitaIncome = incomeYear === undefined ? undefined : perCapitaIncomeOf(input.facts, incomeYear);
  const line = incomeYear === undefined ? undefined : input.lineOf(incomeYear);
  const base = {
    perCapitaIncome,
    ...(incomeYear === undefined ? {} : { incomeYear }),
    ...(line === undefined ? {} : { line }),
  };
  if (noLabourCapacity(input.facts.members)) {
    return {
      ...base,
      eligible: false,
      notMarked: true,
      weakStability: false,
      findings: [
        {
          rule: 'NO_LABOUR_CAPACITY',
          message: '暂不标注：整户无劳动能力，落实兜底保障后继续监测，不标注风险消除',
        },
      ],
    };
  }
  const findings: EliminationFinding[] = [];
  const p = input.proposal;
  if (monthsBetween(input.monitoredSince, input.today) < rules.minMonitoredMonths) {
    findings.push({
      rule: 'MONITORED_TOO_SHORT',
      message: `纳入监测不满${rules.minMonitoredMonths}个月（${input.monitoredSince}起）`,
    });
  }
  if (!input.measures.some((m) => m.status === 'DONE')) {
    findings.push({ rule: 'NO_MEASURE_CARRIED_OUT', message: '尚无已落实的帮扶措施' });
  }
  const weakStability =
    perCapitaIncome !== undefined &&
    line !== undefined &&
    !againstLine(perCapitaIncome, line).below &&
    perCapitaIncome < line * (1 + rules.weakStabilityMargin);
  if (perCapitaIncome === undefined || incomeYear === undefined) {
    findings.push({ rule: 'INCOME_NOT_RECORDED', message: `未登记${year}年或上年家庭收入` });
  } else if (line === undefined) {
    findings.push({
      rule: 'LINE_NOT_CONFIGURED',
      message: `未配置${incomeYear}年的监测范围，无法判断收入是否超过监测范围`,
    });
  } else if (againstLine(perCapitaIncome, line).below) {
    findings.push({
      rule: 'INCOME_BELOW_LINE',
      message: `${incomeYear}年家庭人均纯收入${perCapitaIncome}元低于当年监测范围${line}元`,
    });
  } else if (weakStability) {
    findings.push({
      rule: 'WEAK_STABILITY',
      message: `稳定性较弱：${incomeYear}年家庭人均纯收入${perCapitaIncome}元高出当年监测范围${line}元不足${Math.round(rules.weakStabilityMargin * 100)}%，继续帮扶，风险稳定消除后再提议`,
    });
  }
  if (monthsBetween(p.incomeAboveLineSince, input.today) < rules.minStableIncomeMonths) {
    findings.push({
      rule: 'INCOME_NOT_STABLE_LONG_ENOUGH',
      message: `收入稳定超过监测范围不满${rules.minStableIncomeMonths}个月（${p.incomeAboveLineSince}起）`,
    });
  }
  if (!p.rigidExpensesSettled) {
    findings.push({ rule: 'RIGID_EXPENSES_UNSETTLED', message: '大额刚性支出尚未解决' });
  }
  const insecure = [
    [p.compulsoryEducationSecure, '义务教育'],
    [p.basicMedicalSecure, '基本医疗'],
    [p.housingSecure, '住房安全'],
    [p.drinkingWaterSecure, '饮水安全'],
  ]
    .filter(([ok]) => !ok)
    .map(([, label]) => label);
  if (insecure.length) {
    findings.push({ rule: 'THREE_GUARANTEES_OR_WATER', message: `${insecure.join('、')}尚未保障` });
  }
  return { ...base, eligible: findings.length === 0, notMarked: false, findings, weakStability };
}
