/**
 * 部门筛查预警 (DOMAIN.md, Risk leads and Department extracts): what one department row says about
 * the person it names, and how a month's hits become leads. Every threshold, grade and deadline is
 * configuration (`ScreeningRules`) with DOMAIN.md's defaults; nothing here reads a file or the store.
 */
import type { ExtractRow } from './department-extracts.ts';
import type { HardExclusion } from './eligibility.ts';
import type { HouseholdType } from './risk-types.ts';

/** 1 (红) is the highest. */
export type Grade = 1 | 2 | 3;
export const GRADE_LABELS: Record<Grade, string> = {
  1: '一级（红色）',
  2: '二级（橙色）',
  3: '三级（黄色）',
};

export const LEAD_SOURCES = {
  DEPARTMENT_SCREENING: '部门筛查预警',
  AREA_EVENT: '区域性风险事件',
  PETITION: '信访',
  MEDIA: '媒体、舆情',
  HOTLINE_REPORT: '12317/12345 第三方反映',
  INSURANCE: '防返贫保险理赔',
} as const;
export type LeadSource = keyof typeof LEAD_SOURCES;

export const VERIFICATION_OUTCOMES = {
  AT_RISK: '存在风险',
  NO_RISK: '无风险',
  EXCLUSION_CONFIRMED: '排除情形属实',
  DATA_ERROR: '部门数据有误',
} as const;
export type VerificationOutcome = keyof typeof VERIFICATION_OUTCOMES;

export interface ScreeningRules {
  medical: {
    /** 年度累计个人自付 for a member of a LIFTED or monitored household, and for everyone else */
    annualThresholdVulnerable: number;
    annualThresholdOthers: number;
    /** at or above: grade 1; at or above the second: grade 2; else grade 3 */
    annualGrade1: number;
    annualGrade2: number;
    outpatientThreshold: number;
  };
  /** compulsory-education ages, whole years on the first day of the month, inclusive */
  schoolAge: { from: number; to: number };
  /** 车辆类型 that make a 消费型轿车 hit, exactly */
  consumerVehicleTypes: readonly string[];
  /** working days to verify, by grade */
  deadlineWorkingDays: Record<Grade, number>;
  /** a NO_RISK verification keeps the same lead from being raised again for this long, unless its grade rises */
  suppressionMonths: number;
}

export const DEFAULT_SCREENING_RULES: ScreeningRules = {
  medical: {
    annualThresholdVulnerable: 5_000,
    annualThresholdOthers: 20_000,
    annualGrade1: 50_000,
    annualGrade2: 20_000,
    outpatientThreshold: 500,
  },
  schoolAge: { from: 6, to: 15 },
  consumerVehicleTypes: ['小型轿车', '小型普通客车'],
  deadlineWorkingDays: { 1: 3, 2: 5, 3: 10 },
  suppressionMonths: 3,
};

/** The rules a hit can name, with the words a verifier reads. */
export const SCREENING_RULE_LABELS = {
  MEDICAL_ANNUAL: '年度累计个人自付医疗费用较高',
  MEDICAL_OUTPATIENT: '当月门诊自付费用较高',
  OUT_OF_SCHOOL: '义务教育阶段辍学或未入学',
  UNSAFE_HOUSING: '房屋安全鉴定为C级或D级',
  TEMPORARY_ASSISTANCE: '新增临时救助',
  ASSISTANCE_ENDED: '监测对象退出低保或特困',
  ASSISTANCE_STARTED: '新增低保或特困（核对帮扶计划）',
  REGISTERED_UNEMPLOYED: '登记失业',
  SEVERE_DISABILITY: '新增一级或二级残疾',
  DISABILITY: '新增三级或四级残疾',
  SHAREHOLDER: '企业股东',
  privateCar: '登记消费型轿车（须核实是否用于生产经营）',
  companyExecutive: '担任企业法定代表人或高管',
} as const;
export type ScreeningRule = keyof typeof SCREENING_RULE_LABELS;

/** Who a row names, as the registry knows them. */
export interface Subject {
  householdType: HouseholdType;
  /** a current monitoring object (not 风险消除, not an open application) */
  monitored: boolean;
}

/** What the registry and the hotline know of nobody: the "others" thresholds. */
export const UNREGISTERED: Subject = { householdType: 'ORDINARY', monitored: false };

export type Hit =
  | { kind: 'RISK'; department: ExtractRow['department']; rule: ScreeningRule; grade: Grade; value: string }
  | {
      kind: 'EXCLUSION';
      department: ExtractRow['department'];
      rule: Extract<HardExclusion, 'privateCar' | 'companyExecutive'>;
      value: string;
    };

/** 死亡 / 户籍迁出: not a risk, a change the village makes to the registry. */
export interface RegistryChange {
  kind: 'REGISTRY_CHANGE';
  change: 'DEATH' | 'MOVED_OUT';
  occurredOn: string;
}

/** The month a screening covers, as `YYYY-MM`. */
const inMonth = (date: string, month: string) => date.startsWith(`${month}-`);

/** Whole years of age on the first day of `month` (`YYYY-MM`). */
export function ageOn(birthDate: string, month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && 1 < bd) ? 1 : 0);
}

const yuan = (n: number) => `${n.toLocaleString('en-US')} 元`;

/** What one row of a person's department data says, for the screening of `month`. */
export function screenRow(
  row: Exclude<ExtractRow, { department: 'EMERGENCY' }>,
  subject: Subject,
  month: string,
  rules: ScreeningRules = DEFAULT_SCREENING_RULES,
): (Hit | RegistryChange)[] {
  const risk = (rule: ScreeningRule, grade: Grade, value: string): Hit => ({
    kind: 'RISK',
    department: row.department,
    rule,
    grade,
    value,
  });
  const vulnerable = subject.monitored || subject.householdType === 'LIFTED';
  switch (row.department) {
    case 'MEDICAL': {
      const m = rules.medical;
      const hits: Hit[] = [];
      const threshold = vulnerable ? m.annualThresholdVulnerable : m.annualThresholdOthers;
      if (row.annualSelfPay >= threshold) {
        const grade: Grade =
          row.annualSelfPay >= m.annualGrade1 ? 1 : row.annualSelfPay >= m.annualGrade2 ? 2 : 3;
        hits.push(risk('MEDICAL_ANNUAL', grade, yuan(row.annualSelfPay)));
      }
      if (row.outpatientSelfPay >= m.outpatientThreshold)
        hits.push(risk('MEDICAL_OUTPATIENT', 3, yuan(row.outpatientSelfPay)));
      return hits;
    }
    case 'EDUCATION': {
      const age = ageOn(row.birthDate, month);
      const out = row.status === '辍学' || row.status === '未入学';
      return out && age >= rules.schoolAge.from && age <= rules.schoolAge.to
        ? [risk('OUT_OF_SCHOOL', 1, `${row.status}，${age}周岁`)]
        : [];
    }
    case 'HOUSING':
      return row.safetyGrade === 'C' || row.safetyGrade === 'D'
        ? [risk('UNSAFE_HOUSING', 1, `${row.safetyGrade}级`)]
        : [];
    case 'CIVIL_AFFAIRS': {
      const basic = row.category === '低保' || row.category === '特困';
      if (row.change === '新增' && row.category === '临时救助')
        return [risk('TEMPORARY_ASSISTANCE', 2, '新增临时救助')];
      if (row.change === '退出' && basic && subject.monitored)
        return [risk('ASSISTANCE_ENDED', 2, `退出${row.category}`)];
      if (row.change === '新增' && basic) return [risk('ASSISTANCE_STARTED', 3, `新增${row.category}`)];
      return [];
    }
    case 'HUMAN_RESOURCES': {
      const eligible =
        subject.monitored || subject.householdType === 'LIFTED' || subject.householdType === 'MARGINAL';
      return row.employment === '登记失业' && eligible
        ? [risk('REGISTERED_UNEMPLOYED', 2, `登记失业（${row.changedOn}）`)]
        : [];
    }
    case 'DISABILITY': {
      if (!inMonth(row.issuedOn, month)) return [];
      const severe = row.level === '一级' || row.level === '二级';
      return [
        risk(severe ? 'SEVERE_DISABILITY' : 'DISABILITY', severe ? 1 : 3, `${row.category}${row.level}`),
      ];
    }
    case 'PUBLIC_SECURITY': {
      if (!inMonth(row.occurredOn, month)) return [];
      if (row.matter === '死亡' || row.matter === '户籍迁出')
        return [
          {
            kind: 'REGISTRY_CHANGE',
            change: row.matter === '死亡' ? 'DEATH' : 'MOVED_OUT',
            occurredOn: row.occurredOn,
          },
        ];
      return rules.consumerVehicleTypes.includes(row.vehicleType)
        ? [{ kind: 'EXCLUSION', department: row.department, rule: 'privateCar', value: row.vehicleType }]
        : [];
    }
    case 'MARKET_REGULATION':
      if (row.role === '股东') return [risk('SHAREHOLDER', 3, `${row.enterprise}股东`)];
      return [
        {
          kind: 'EXCLUSION',
          department: row.department,
          rule: 'companyExecutive',
          value: `${row.enterprise}${row.role}`,
        },
      ];
  }
}

/** A lead as a month's hits make it: one per household (or unregistered applicant) and kind. */
export interface LeadDraft {
  /** the household's key, or the application's for an applicant outside the registry */
  subjectKey: string;
  kind: 'RISK' | 'EXCLUSION';
  /** the highest of its hits; an exclusion lead takes grade 1's deadline */
  grade: Grade;
  reasons: Hit[];
}

/** Hits merged per subject and kind; the reasons keep the order the hits came in. */
export function mergeHits(hits: readonly { subjectKey: string; hit: Hit }[]): LeadDraft[] {
  const leads = new Map<string, LeadDraft>();
  for (const { subjectKey, hit } of hits) {
    const key = `${subjectKey}\u0000${hit.kind}`;
    const grade: Grade = hit.kind === 'RISK' ? hit.grade : 1;
    const lead = leads.get(key);
    if (!lead) leads.set(key, { subjectKey, kind: hit.kind, grade, reasons: [hit] });
    else {
      lead.grade = Math.min(lead.grade, grade) as Grade;
      lead.reasons.push(hit);
    }
  }
  return [...leads.values()];
}

/** What a lead is about, for the suppression: its kind and the rules it names. */
export const reasonKey = (lead: {
  kind: LeadDraft['kind'];
  reasons: readonly (Hit | { kind: 'AREA_EVENT'; eventId: string } | { kind: 'REPORT'; value: string })[];
}): string =>
  `${lead.kind}:${[
    ...new Set(
      lead.reasons.map((r) =>
        r.kind === 'AREA_EVENT'
          ? `AREA_EVENT.${r.eventId}`
          : r.kind === 'REPORT'
            ? 'REPORT'
            : `${r.department}.${r.rule}`,
      ),
    ),
  ]
    .sort()
    .join(',')}`;

const addMonths = (date: string, months: number): string => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, last));
  return target.toISOString().slice(0, 10);
};

/**
 * A NO_RISK verification of the same lead (same kind, same rules) less than `suppressionMonths` ago
 * keeps it from being raised again, unless its grade is now higher.
 */
export function isSuppressed(
  lead: Pick<LeadDraft, 'kind' | 'reasons' | 'grade'>,
  earlier: readonly { reasonKey: string; grade: Grade; outcome: VerificationOutcome; verifiedOn: string }[],
  today: string,
  rules: ScreeningRules = DEFAULT_SCREENING_RULES,
): boolean {
  const key = reasonKey(lead);
  return earlier.some(
    (e) =>
      e.outcome === 'NO_RISK' &&
      e.reasonKey === key &&
      today < addMonths(e.verifiedOn, rules.suppressionMonths) &&
      lead.grade >= e.grade,
  );
}

/** Working days a lead of this kind and grade is to be verified in. */
export const verificationWorkingDays = (
  lead: Pick<LeadDraft, 'kind' | 'grade'>,
  rules: ScreeningRules = DEFAULT_SCREENING_RULES,
): number => rules.deadlineWorkingDays[lead.kind === 'EXCLUSION' ? 1 : lead.grade];
