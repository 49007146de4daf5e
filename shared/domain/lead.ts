/**
 * 风险线索 (DOMAIN.md, Risk leads): a lead about a household (or an open application's applicant
 * outside the registry) that its village verifies within a deadline. Leads from every source end in
 * the same loop; this is the record the store keeps and the people see.
 */
import { AREA_EVENT_KINDS, type AreaEventKind } from './area-event.ts';
import { DEPARTMENTS } from './department-extracts.ts';
import {
  type Grade,
  type Hit,
  type LeadSource,
  SCREENING_RULE_LABELS,
  type VerificationOutcome,
} from './screening.ts';

/** Why a lead was raised: a department's hit, the area event it belongs to, or what someone reported. */
export type LeadReason =
  | Hit
  | { kind: 'AREA_EVENT'; eventId: string; event: AreaEventKind; value: string }
  | { kind: 'REPORT'; value: string };

/** A reason as people read it: `医保：年度累计个人自付医疗费用较高（25,000 元）`. */
export const reasonText = (r: LeadReason): string =>
  r.kind === 'REPORT'
    ? r.value
    : r.kind === 'AREA_EVENT'
      ? `${AREA_EVENT_KINDS[r.event]}：${r.value}`
      : `${DEPARTMENTS[r.department]}：${SCREENING_RULE_LABELS[r.rule]}（${r.value}）`;

export type LeadStatus = 'OPEN' | 'VERIFIED';

export interface Lead {
  /** begins with the village's code, so a lead is found without an index */
  leadId: string;
  source: LeadSource;
  kind: 'RISK' | 'EXCLUSION';
  district: string;
  village: string;
  /** the household's id, or `A#<applicationId>` for an applicant outside the registry */
  subjectKey: string;
  grade: Grade;
  /** what the department data said, hit by hit, or the area event */
  reasons: LeadReason[];
  /** the screening month (`YYYY-MM`) of a department lead */
  month?: string;
  /** business dates: arrival and the day it must be verified by (working days by grade) */
  arrivedOn: string;
  dueOn: string;
  /** the due day runs into a year without holiday data */
  dueProvisional: boolean;
  status: LeadStatus;
  verification?: {
    outcome: VerificationOutcome;
    /** what was found; why there is no risk (kept for the 3-month suppression); what was wrong in the data */
    reason?: string;
    /** the identification an `AT_RISK` opened (or the open application the lead was about) */
    caseId?: string;
    by: string;
    byPersonId: string;
    at: string;
  };
  /** business dates the overdue lead was reminded to its village and escalated to the township */
  remindedOn?: string;
  escalatedOn?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** What a new lead is about; the rest is how every lead arrives. */
export type NewLead = Pick<
  Lead,
  'leadId' | 'source' | 'kind' | 'district' | 'village' | 'subjectKey' | 'grade' | 'reasons' | 'month'
>;

/** A lead as it arrives: open, at version 1, due on the day its grade's working days give (`due`). */
export const arrivingLead = (
  fields: NewLead,
  arrival: { on: string; at: string; due: { dueOn: string; provisional: boolean } },
): Lead => ({
  ...fields,
  arrivedOn: arrival.on,
  dueOn: arrival.due.dueOn,
  dueProvisional: arrival.due.provisional,
  status: 'OPEN',
  version: 1,
  createdAt: arrival.at,
  updatedAt: arrival.at,
});

/** The subject key of an applicant outside the registry. */
export const applicationSubject = (applicationId: string): string => `A#${applicationId}`;

/** A run of 部门筛查 for a district and month: what it read, found and raised. */
export interface ScreeningRun {
  district: string;
  month: string;
  ranAt: string;
  ranBy: string;
  /** per department: rows, bad rows (the first ones listed), outside the registry, hits */
  departments: Record<string, unknown>;
  leads: number;
  /** leads the same files raised before (a repeated run) */
  alreadyRaised: number;
  suppressed: number;
  /** 死亡 / 户籍迁出 in the month: changes for the villages to make to the registry (the first 1,000) */
  registryChanges: {
    /** the household's id, or the open application's for an applicant outside the registry */
    householdId?: string;
    applicationId?: string;
    village: string;
    change: 'DEATH' | 'MOVED_OUT';
    occurredOn: string;
    department: string;
    row: number;
  }[];
  /** 应急 rows, one per disaster kind and date: area events for the district to confirm */
  areaProposals: {
    kind: 'FLOOD' | 'DROUGHT' | 'GEOLOGICAL' | 'OTHER';
    label: string;
    occurredOn: string;
    villages: string[];
    households: number;
  }[];
}
