/** The identification case (纳入监测申请) and its approvals, as the use cases and the store see them. */

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

export interface Application {
  applicationId: string;
  /** identification unless said otherwise (records written before elimination existed have none) */
  kind?: CaseKind;
  village: string;
  villageName?: string;
  group: string;
  channel: string;
  callId?: string;
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
  /** 风险再标注: a new identification of a household once marked 风险消除 */
  remarking?: { previousApplicationId: string; eliminationCaseId?: string; eliminatedMonth?: string };
  /** an elimination case: what was proposed and how the rules judged it */
  elimination?: {
    identificationId: string;
    proposal: EliminationProposal;
    check: EliminationCheck;
    proposedBy: string;
    proposedByPersonId: string;
  };
  greenChannel?: GreenChannel;
  systemEntryBatch?: SystemEntryBatch;
  publicity?: Publicity;
  comparison?: Comparison;
  outcome?: {
    reason?: string;
    monitoringObjectType?: MonitoringObjectType;
    contactPerson?: ContactPerson;
    activatedAt?: string;
    assistancePlan?: { year: number; measures: { type: string; note: string }[] };
    /** when the workflow's ending step recorded the end (its audit entry is written once) */
    closedAt?: string;
  };
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
