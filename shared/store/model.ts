/**
 * The records the store keeps, as the rest of the code sees them. Keys and attribute names of the
 * single table stay inside `dynamodb-store.ts`.
 */

import type { HouseholdFlags } from '#domain/eligibility';
import type { HouseholdType, MonitoringObjectType, RiskType } from '#domain/risk-types';
import type { ApprovalStage, Decision, Role, Stage } from '#domain/stages';
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
    | 'system';
  by: string;
  byPersonId?: string;
  at: string;
  comment?: string;
  meeting?: Meeting;
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

export interface Application {
  applicationId: string;
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

export interface RegistryHousehold {
  village: string;
  idHash: string;
  householdType: HouseholdType;
  flags: HouseholdFlags;
}

export interface OutboxMessage {
  id: string;
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
