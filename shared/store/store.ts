/**
 * The port every use case depends on, one interface per aggregate: identification cases (applications,
 * their approvals and objections), the registry's households (plans, grids, visits), campaigns (forms,
 * problems, counters, exports) and the settings (directory, calendar, webhook requests). `dynamodb/`
 * implements each on the single table, `memory-store.ts` in memory for direct tests of the use cases.
 * Every state change here is one conditional transaction with its audit entry.
 */

import type { AreaEvent } from '#domain/area-event';
import type { AuditEntry } from '#domain/audit';
import type { CalendarData } from '#domain/calendar';
import type { Campaign, ExportJob, InspectionForm, Problem, SummaryCounter } from '#domain/campaign';
import type { Approval, Case, EliminationCase, IdentificationCase, Objection } from '#domain/case';
import type { Directory } from '#domain/directory';
import type { AssistancePlan, Grid, Household, Visit } from '#domain/household';
import type { Lead, LeadStatus, ScreeningRun } from '#domain/lead';
import type { Notification } from '#notify/messages';

/** What a webhook transaction claims along with its business write. */
export interface WebhookReceipt {
  channel: string;
  nonce: string;
  requestId: string;
  bodyHash: string;
  /** the answer to give again for a repeat of this request (its status is the route's) */
  answer: unknown;
}

export interface StoredRequest {
  bodyHash: string;
  answer: unknown;
}

export class ConflictError extends Error {
  constructor(
    readonly reason:
      | 'NONCE'
      | 'REQUEST'
      | 'OPEN_CASE'
      | 'VERSION'
      | 'NOT_IN_PUBLICITY'
      | 'ALREADY_DECIDED'
      | 'NOT_MONITORED'
      | 'DUPLICATE',
    readonly existingApplicationId?: string,
  ) {
    super(reason);
  }
}

/** A paging cursor this store did not hand out (forged, or another listing's). */
export class InvalidCursor extends Error {
  override name = 'InvalidCursor';
  constructor() {
    super('invalid cursor');
  }
}

export interface ApplicationChange {
  /** the new record; its version must be one above the one read */
  next: Case;
  audit: AuditEntry;
  /** the household written in the same transaction (activation, elimination), conditional on its version */
  household?: { previous?: Household; next: Household };
  /** an assistance plan written in the same transaction */
  plan?: { previous?: AssistancePlan; next: AssistancePlan };
  /** the messages the change causes, written in the same transaction (the outbox) */
  messages?: Notification[];
}

/** A household change: conditional on the version read, with its audit entry. */
export interface HouseholdChange {
  previous?: Household;
  next: Household;
  audit: AuditEntry;
  /** the messages the change causes, written in the same transaction (the outbox) */
  messages?: Notification[];
}

/** Identification and elimination cases (`Case`), their approvals and objections. */
export interface CaseStore {
  /**
   * Creates an elimination case for a monitored household: the household must still be monitored
   * under its identification, with no other elimination open (`NOT_MONITORED`, `OPEN_CASE`).
   */
  createEliminationCase(case_: EliminationCase, audit: AuditEntry): Promise<void>;

  /**
   * Creates the application and locks the applicant's household against a second open case
   * (`OPEN_CASE`, naming it); claims the webhook request, when there is one.
   */
  createApplication(
    application: IdentificationCase,
    receipt: WebhookReceipt | undefined,
    audit: AuditEntry,
    messages?: Notification[],
  ): Promise<void>;
  /** Records a webhook that changes no application state beyond the audit (e.g. a fresh upload URL). */
  recordRequest(application: Case, receipt: WebhookReceipt, audit: AuditEntry): Promise<void>;
  /** The objections lodged against an application, oldest first. */
  listObjections(application: Case): Promise<Objection[]>;
  /** Adds an objection to an application in publicity; refuses outside the window. */
  addObjection(
    application: Case,
    objection: Objection,
    receipt: WebhookReceipt,
    audit: AuditEntry,
  ): Promise<void>;

  getApplication(applicationId: string): Promise<Case | undefined>;
  listApplications(village: string, stage?: string): Promise<Case[]>;
  listAudit(application: Case): Promise<AuditEntry[]>;
  /** Conditional on the version read; also releases the applicant's lock when the case ends. */
  updateApplication(previous: Case, change: ApplicationChange): Promise<void>;

  getApproval(approvalId: string): Promise<Approval | undefined>;
  /** Writes a new approval and points the application at it, in one transaction. */
  openApproval(previous: Case, change: ApplicationChange, approval: Approval): Promise<void>;
  /** Re-binds or widens a pending approval (a restarted wait, an escalation). */
  updatePendingApproval(
    approval: Approval,
    patch: Partial<Pick<Approval, 'taskToken' | 'approvers' | 'escalation' | 'expiresAt' | 'notified'>>,
    messages?: Notification[],
  ): Promise<void>;
  /** PENDING → DECIDED together with the application's history, or `ALREADY_DECIDED`. */
  decideApproval(
    approval: Approval,
    decided: Approval,
    previous: Case,
    change: ApplicationChange,
  ): Promise<void>;
}

/** The registry's households (建档立卡 / 监测 records), their plans, grids and visits. */
export interface HouseholdStore {
  getHousehold(village: string, idHash: string): Promise<Household | undefined>;
  listHouseholds(village: string): Promise<Household[]>;
  /**
   * Writes registry fields (head, members, incomes, type, flags) of many households, leaving their
   * monitoring state alone. Chunks of one transaction each; a repeated import writes the same values.
   */
  importHouseholds(
    households: Household[],
    audit: AuditEntry & { detail: { importId: string } },
  ): Promise<void>;
  updateHousehold(change: HouseholdChange, receipt?: WebhookReceipt): Promise<void>;
  listHouseholdAudit(household: Household): Promise<AuditEntry[]>;

  getPlan(householdId: string, year: number): Promise<AssistancePlan | undefined>;
  /** Conditional on the version read (absent: the plan must not exist yet). */
  putPlan(
    previous: AssistancePlan | undefined,
    next: AssistancePlan,
    audit: AuditEntry,
    receipt?: WebhookReceipt,
  ): Promise<void>;

  listGrids(village: string): Promise<Grid[]>;
  putGrid(grid: Grid, audit: AuditEntry): Promise<void>;

  /** The visit, the household's visit dates and the request, in one transaction. */
  recordVisit(visit: Visit, change: HouseholdChange, receipt: WebhookReceipt): Promise<void>;
  listVisits(household: Household): Promise<Visit[]>;
}

/** 集中排查 campaigns: forms, ledger lines (problems), 汇总表 counters, exports. */
export interface CampaignStore {
  /** A new campaign (absent) or a change conditional on its version. */
  putCampaign(previous: Campaign | undefined, next: Campaign, audit: AuditEntry): Promise<void>;
  getCampaign(campaignId: string): Promise<Campaign | undefined>;
  listCampaigns(township: string): Promise<Campaign[]>;
  /**
   * 入户排查表: the form, its household problems, their counters (and the 拟识别 counter) and the
   * request, in one transaction; a second form of the same household in the campaign is `DUPLICATE`.
   */
  fileInspectionForm(
    form: InspectionForm,
    problems: Problem[],
    receipt: WebhookReceipt | undefined,
    audit: AuditEntry,
  ): Promise<void>;
  /** Records the identification a form's 综合判定 started. */
  linkFormApplication(form: InspectionForm, applicationId: string): Promise<void>;
  getInspectionForm(campaignId: string, idHash: string): Promise<InspectionForm | undefined>;
  /** Every form of a campaign, page by page. */
  inspectionForms(campaignId: string): AsyncGenerator<InspectionForm[]>;

  /** A problem and its counters, in one transaction. */
  createProblem(problem: Problem, audit: AuditEntry): Promise<void>;
  /** Conditional on the version read; the counters move with it. */
  updateProblem(
    previous: Problem,
    next: Problem,
    audit: AuditEntry,
    messages?: Notification[],
  ): Promise<void>;
  getProblem(problemId: string): Promise<Problem | undefined>;
  /** A page of a campaign's problems matching the filter. */
  listProblems(
    campaignId: string,
    filter: { status?: string[]; category?: number; unit?: string; kind?: string; deadlineBefore?: string },
    page: { limit: number; cursor?: string },
  ): Promise<{ items: Problem[]; cursor?: string }>;
  /** Every problem of a campaign, page by page (exports, the deadline watch). */
  problems(campaignId: string): AsyncGenerator<Problem[]>;
  /** Many problems with their counters, a transaction per chunk (bulk loads). */
  importProblems(problems: Problem[], audit: AuditEntry): Promise<void>;
  /** The 汇总表's counters: one query, whatever the number of problems. */
  getSummaryCounters(campaignId: string): Promise<SummaryCounter[]>;

  putExport(job: ExportJob): Promise<void>;
  getExport(exportId: string): Promise<ExportJob | undefined>;
}

/** What the deployment is configured with, and the webhook requests already answered. */
export interface SettingsStore {
  getDirectory(): Promise<Directory>;
  /** Replaces the directory (configuration and the local stack's seed). */
  putDirectory(directory: Directory): Promise<void>;
  getRequest(channel: string, requestId: string): Promise<StoredRequest | undefined>;
  /** Claims a nonce on its own, for a repeated request answered from its first response. */
  claimNonce(channel: string, nonce: string): Promise<void>;

  /** Holiday data added by configuration for years `chinese-days` does not carry. */
  getCalendarData(): Promise<CalendarData>;
  /** Sets one year's holidays and make-up workdays, with its audit entry. */
  putCalendarYear(year: string, data: CalendarData[string], audit: AuditEntry): Promise<void>;
}

/** 风险线索 and the screening runs that raise them. */
export interface LeadStore {
  /**
   * Raises a lead with its audit entry and the messages it causes, in one transaction. A lead that
   * exists already (the same files screened again) is left as it is, and the answer is false.
   */
  raiseLead(lead: Lead, audit: AuditEntry, messages?: Notification[]): Promise<boolean>;
  getLead(leadId: string): Promise<Lead | undefined>;
  listLeads(village: string, filter?: { status?: LeadStatus; month?: string }): Promise<Lead[]>;
  /**
   * Conditional on the version read, with its audit entry and the messages it causes; a verification's
   * change to the household (its risks, its flags) in the same transaction.
   */
  updateLead(
    previous: Lead,
    next: Lead,
    audit: AuditEntry,
    messages?: Notification[],
    household?: HouseholdChange,
  ): Promise<void>;
  /** The run's record (replacing an earlier run's of the same month), its audit and the villages' digests. */
  putScreeningRun(run: ScreeningRun, audit: AuditEntry, messages: Notification[]): Promise<void>;
  getScreeningRun(district: string, month: string): Promise<ScreeningRun | undefined>;
  /** A new area event (absent) or a change conditional on its version, with its audit and messages. */
  putAreaEvent(
    previous: AreaEvent | undefined,
    next: AreaEvent,
    audit: AuditEntry,
    messages?: Notification[],
  ): Promise<void>;
  getAreaEvent(district: string, eventId: string): Promise<AreaEvent | undefined>;
}

export interface Store extends CaseStore, HouseholdStore, CampaignStore, LeadStore, SettingsStore {}
