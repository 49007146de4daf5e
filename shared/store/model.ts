/**
 * The records the store keeps, as the rest of the code sees them. Keys and attribute names of the
 * single table stay inside `dynamodb-store.ts`.
 */

import type { Measure, MeasureType } from '#domain/assistance';
import type { HouseholdFlags } from '#domain/eligibility';
import type { EliminationCheck, EliminationProposal, EliminationWay } from '#domain/elimination';
import type { Member, YearIncome } from '#domain/household';
import type { Phase, TickedItem } from '#domain/inspection';
import type { AreaLevel, ProblemStatus } from '#domain/rectification';
import type { HouseholdType, MonitoringObjectType, RiskType } from '#domain/risk-types';
import type { ApprovalStage, CaseKind, Decision, Role, Stage } from '#domain/stages';
import type { VisitKind } from '#domain/visits';
import type { Meeting } from '#schemas/approvals';

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

export interface Person {
  personId: string;
  name: string;
  phone: string;
  /** 企业微信 user id, where the deployment tells people through WeCom application messages */
  wecomUserId?: string;
  roles: { role: Role; scope: string }[];
}

export interface Village {
  code: string;
  name: string;
  groups: string[];
}

export interface Directory {
  township: { code: string; name: string };
  district: { code: string; name: string };
  villages: Village[];
  people: Person[];
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

/** 公示异议: an objection lodged during publicity. */
export interface Objection {
  objectionId: string;
  name: string;
  phone: string;
  content: string;
  at: string;
}

/** What the local twin's SMS endpoint received (`/_local/outbox`). */
export interface OutboxMessage {
  id: string;
  /** the outbox message it delivered */
  messageId?: string;
  to: { personId?: string; name: string; phone: string };
  channel: string;
  text: string;
  link?: string;
  createdAt: string;
}

export interface AuditEntry {
  action: string;
  by: string;
  at: string;
  detail?: Record<string, unknown>;
}

/** What a webhook transaction claims along with its business write. */
export interface WebhookReceipt {
  channel: string;
  nonce: string;
  requestId: string;
  bodyHash: string;
  /** the answer to give again for a repeat of this request */
  response: { status: number; body: unknown };
}

export interface StoredRequest {
  bodyHash: string;
  response: { status: number; body: unknown };
}

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
