/** Cases of both kinds (识别纳入, 风险消除) and their approvals, as the use cases and the store see them. */

import type { Meeting } from '#schemas/approvals';
import type { MeasureType } from './assistance.ts';
import type { EliminationCheck, EliminationProposal } from './elimination.ts';
import type { HouseholdType, MonitoringObjectType, RiskType } from './risk-types.ts';
import type { ApprovalStage, CaseKind, Decision, Stage } from './stages.ts';

export interface HistoryEntry {
  stage: Stage;
  decision:
    | Decision
    | 'submitted'
    | 'commitment'
    | 'publicity'
    | 'objection'
    | 'comparison'
    | 'timeout'
    | 'system'
    | 'green-channel';
  by: string;
  byPersonId?: string;
  at: string;
  comment?: string;
  meeting?: Meeting;
  /** the national-system entry batch a SYSTEM_ENTRY decision refers to */
  batchId?: string;
}

export interface Commitment {
  key: string;
  status: 'PENDING' | 'ACCEPTED' | 'QUARANTINED';
  sha256?: string;
  size?: number;
  contentType?: string;
  receivedAt?: string;
  reason?: string;
}

export interface Publicity {
  postedOn: string;
  startsAt: string;
  endsAt: string;
  provisional: boolean;
  objections: number;
  closedAt?: string;
}

export interface Comparison {
  comparedAt: string;
  hardStops: { rule: string; label: string }[];
  warnings: { rule: string; label: string }[];
  otherOpenCases: string[];
}

export interface ContactPerson {
  personId: string;
  name: string;
  phone: string;
}

/** 绿色通道: help granted by the township before the chain completes, reconciled when it ends. */
export interface GreenChannel {
  grantedBy: string;
  grantedByPersonId: string;
  grantedAt: string;
  reason: string;
  measures: { type: MeasureType; content: string; amount?: number }[];
  /** GRANTED while the chain runs; CONFIRMED when the household is included; UNCONFIRMED otherwise */
  status: 'GRANTED' | 'CONFIRMED' | 'UNCONFIRMED';
  reconciledAt?: string;
  note?: string;
}

/** The batch file the SYSTEM_ENTRY clerk types into 全国防止返贫监测信息系统. */
export interface SystemEntryBatch {
  batchId: string;
  csvKey: string;
  xlsxKey: string;
  createdAt: string;
}

/**
 * What both kinds of case carry: the household's applicant and figures, the chain's stage, the
 * commitment, publicity, the district comparison, the batch for the national system and the history.
 */
interface CaseCommon {
  applicationId: string;
  village: string;
  villageName?: string;
  group: string;
  channel: string;
  applicant: { name: string; idNumber: string; phone: string; idHash: string };
  reason: string;
  riskTypes: RiskType[];
  declaredAnnualIncome: number;
  householdSize: number;
  perCapitaIncome: number;
  householdType: HouseholdType;
  stage: Stage;
  version: number;
  createdAt: string;
  updatedAt: string;
  groupReview: boolean;
  commitment: Commitment;
  /** the callback token of the step waiting for the commitment scan */
  commitmentTaskToken?: string;
  /** the approval the current human step waits on */
  pendingApproval?: string;
  history: HistoryEntry[];
  systemEntryBatch?: SystemEntryBatch;
  publicity?: Publicity;
  comparison?: Comparison;
}

/** How a case ended, as its workflow's last step recorded it. */
interface Ending {
  reason?: string;
  /** when the workflow's ending step recorded the end (its audit entry is written once) */
  closedAt?: string;
}

/**
 * 识别纳入: a farmer's application, a cadre's inspection form, a visit or a lead that may make the
 * household a monitoring object with a contact person and a first plan.
 */
export interface IdentificationCase extends CaseCommon {
  /** records written before elimination existed have none */
  kind?: 'IDENTIFICATION';
  callId?: string;
  /** 风险再标注: a new identification of a household once marked 风险消除 */
  remarking?: { previousApplicationId: string; eliminationCaseId?: string; eliminatedMonth?: string };
  greenChannel?: GreenChannel;
  outcome?: Ending & {
    monitoringObjectType?: MonitoringObjectType;
    contactPerson?: ContactPerson;
    activatedAt?: string;
    assistancePlan?: { year: number; measures: { type: string; note: string }[] };
  };
}

/** 风险消除: the 村两委's proposal to mark a monitored household as no longer at risk. */
export interface EliminationCase extends CaseCommon {
  kind: 'ELIMINATION';
  /** what was proposed and how the rules judged it */
  elimination: {
    identificationId: string;
    proposal: EliminationProposal;
    check: EliminationCheck;
    proposedBy: string;
    proposedByPersonId: string;
  };
  outcome?: Ending;
}

/** A case (案件) of either kind: both run the same approval levels and publicity (CHAINS). */
export type Case = IdentificationCase | EliminationCase;

export const caseKind = (c: Case): CaseKind => c.kind ?? 'IDENTIFICATION';
export const isElimination = <C extends Case>(c: C): c is C & EliminationCase => c.kind === 'ELIMINATION';
export const isIdentification = <C extends Case>(c: C): c is C & IdentificationCase =>
  c.kind !== 'ELIMINATION';

/** A step of one kind's workflow handed a case of the other kind is wired wrong: a bug, not a refusal. */
export function asElimination(c: Case): EliminationCase {
  if (!isElimination(c)) throw new Error(`${c.applicationId} is not an elimination case`);
  return c;
}
export function asIdentification(c: Case): IdentificationCase {
  if (!isIdentification(c)) throw new Error(`${c.applicationId} is not an identification case`);
  return c;
}

export type ApprovalStatus = 'PENDING' | 'DECIDED' | 'EXPIRED';

export interface Approval {
  approvalId: string;
  applicationId: string;
  village: string;
  stage: ApprovalStage;
  status: ApprovalStatus;
  taskToken: string;
  /** everyone who holds a personal link to it */
  approvers: string[];
  escalation: number;
  /** approvers whose link went out for this approval (a retried step sends only the rest) */
  notified?: string[];
  createdAt: string;
  expiresAt: string;
  decision?: { decision: Decision; by: string; byPersonId: string; at: string; comment?: string };
}

/** 公示异议: an objection lodged during publicity. */
export interface Objection {
  objectionId: string;
  name: string;
  phone: string;
  content: string;
  at: string;
}
