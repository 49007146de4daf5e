/** 集中排查: a campaign, its forms and problems, the 汇总表 counters and the annex exports. */

import type { Phase, TickedItem } from './inspection.ts';
import type { AreaLevel, ProblemStatus } from './rectification.ts';
import type { HouseholdType, RiskType } from './risk-types.ts';

/** 集中排查: one campaign per township and period, with its four phases. */
export interface Campaign {
  campaignId: string;
  /** 9-digit township code */
  township: string;
  name: string;
  year: number;
  /** the villages it covers (all of the township by default) */
  villages: string[];
  phases: Phase[];
  /** CLOSED once the township closes it; otherwise its phase follows the business date */
  closed: boolean;
  createdBy: string;
  createdAt: string;
  version: number;
}

/** 入户排查表 (annex 2), one per household per campaign. */
export interface InspectionForm {
  formId: string;
  campaignId: string;
  village: string;
  group: string;
  householdType: HouseholdType;
  head: { name: string; idNumber: string; phone: string; idHash: string };
  householdSize?: number;
  items: TickedItem[];
  judgement: { suspectedRisk: boolean; proposeReview: boolean; reason?: string; riskTypes?: RiskType[] };
  inspector: { personId: string; name: string };
  /** the identification 综合判定 started */
  applicationId?: string;
  problemIds: string[];
  createdAt: string;
  channel: string;
}

/** One line of 问题整改台账: household (3-1) or area (3-2), with its 四项清单 and lifecycle. */
export interface Problem {
  problemId: string;
  campaignId: string;
  kind: 'HOUSEHOLD' | 'AREA';
  /** AREA: 县级/镇级/村级层面 */
  level?: AreaLevel;
  /** the counting unit: the village, or the township or county code for area problems at those levels */
  unit: string;
  village?: string;
  household?: { name: string; householdType: HouseholdType; formId: string };
  category: number;
  item?: number;
  /** 具体内容 */
  content: string;
  /** 整改措施 */
  measure: string;
  /** 整改责任: 责任人 and 责任单位 */
  responsible: { name: string; unit: string; personId?: string };
  /** 整改时限, inclusive */
  deadline: string;
  status: ProblemStatus;
  evidence: { text: string; by: string; at: string }[];
  rectifiedBy?: { personId: string; name: string; at: string };
  recheck?: { personId: string; name: string; at: string; passed: boolean; comment?: string };
  /** 整改成效 */
  outcome?: string;
  remindedOn?: string;
  escalatedOn?: string;
  history: { status: ProblemStatus; by: string; at: string; comment?: string }[];
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** A 汇总表 counter: per campaign, unit and problem type (or `PROPOSED` households and persons). */
export interface SummaryCounter {
  unit: string;
  category: number | 'PROPOSED';
  total?: number;
  rectified?: number;
  inProgress?: number;
  households?: number;
  persons?: number;
}

export interface ExportJob {
  exportId: string;
  campaignId: string;
  kind: 'annex2' | 'annex3-1' | 'annex3-2' | 'annex4';
  status: 'PENDING' | 'DONE' | 'FAILED';
  requestedBy: string;
  requestedAt: string;
  key?: string;
  rows?: number;
  finishedAt?: string;
  error?: string;
}
