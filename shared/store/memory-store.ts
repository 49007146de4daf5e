/**
 * The `Store` port in memory, for direct tests of the use cases. It keeps the port's promises as the
 * DynamoDB adapter does — every change checks all its conditions first (in the transaction's order,
 * so the same `ConflictError` wins) and then applies every write, its audit entry and its messages
 * together — and it hands out copies, so a use case cannot change what is stored by holding a record.
 */

import type { AuditEntry } from '#domain/audit';
import type { CalendarData } from '#domain/calendar';
import type { Campaign, ExportJob, InspectionForm, Problem, SummaryCounter } from '#domain/campaign';
import type { Approval, Case, EliminationCase, IdentificationCase, Objection } from '#domain/case';
import type { Directory } from '#domain/directory';
import type { AssistancePlan, Grid, Household, Visit } from '#domain/household';
import { counterDelta } from '#domain/rectification';
import { isFinal } from '#domain/stages';
import type { Notification } from '#notify/messages';
import { householdIdOf } from './identity.ts';
import { MemoryLeads } from './memory-leads.ts';
import {
  type ApplicationChange,
  ConflictError,
  type HouseholdChange,
  InvalidCursor,
  type LeadStore,
  type Store,
  type StoredRequest,
  type WebhookReceipt,
} from './store.ts';

const copy = <T>(value: T): T => (value === undefined ? value : structuredClone(value));
type Reason = ConstructorParameters<typeof ConflictError>[0];

/** The applicant's lock (`ID#` on the table): the open case, and whether it is monitored. */
interface PersonLock {
  openApplicationId?: string;
  monitoring?: boolean;
  eliminationCaseId?: string;
}

export class MemoryStore implements Store {
  readonly applications = new Map<string, Case>();
  readonly approvals = new Map<string, Approval>();
  readonly objections = new Map<string, Objection[]>();
  readonly locks = new Map<string, PersonLock>();
  readonly households = new Map<string, Household>();
  readonly plans = new Map<string, AssistancePlan>();
  readonly grids = new Map<string, Grid>();
  readonly visits = new Map<string, Visit[]>();
  readonly campaigns = new Map<string, Campaign>();
  readonly forms = new Map<string, InspectionForm>();
  readonly problemsById = new Map<string, Problem>();
  readonly counters = new Map<string, SummaryCounter>();
  readonly exports = new Map<string, ExportJob>();
  readonly requests = new Map<string, StoredRequest>();
  readonly nonces = new Set<string>();
  /** every audit entry, with what it is about (an application, a household, a campaign's item) */
  readonly audit: (AuditEntry & { subject: string })[] = [];
  /** every message a change caused, in order (the outbox) */
  readonly outbox: Notification[] = [];
  directory: Directory = {
    township: { code: '', name: '' },
    district: { code: '', name: '' },
    villages: [],
    people: [],
  };
  calendar: CalendarData = {};
  /** 风险线索 and screening runs: their own adapter, on this store's households, audit and outbox */
  readonly leadStore = new MemoryLeads(this.audit, this.outbox, {
    matches: (c) => this.householdMatches(c.previous, c.next),
    apply: (c) => {
      this.writeHousehold(c.previous, c.next);
      this.record(householdIdOf(c.next.village, c.next.idHash), c.audit, c.messages);
    },
  });
  raiseLead: LeadStore['raiseLead'] = (...a) => this.leadStore.raiseLead(...a);
  getLead: LeadStore['getLead'] = (...a) => this.leadStore.getLead(...a);
  listLeads: LeadStore['listLeads'] = (...a) => this.leadStore.listLeads(...a);
  updateLead: LeadStore['updateLead'] = (...a) => this.leadStore.updateLead(...a);
  putScreeningRun: LeadStore['putScreeningRun'] = (...a) => this.leadStore.putScreeningRun(...a);
  getScreeningRun: LeadStore['getScreeningRun'] = (...a) => this.leadStore.getScreeningRun(...a);
  putAreaEvent: LeadStore['putAreaEvent'] = (...a) => this.leadStore.putAreaEvent(...a);
  getAreaEvent: LeadStore['getAreaEvent'] = (...a) => this.leadStore.getAreaEvent(...a);

  // ---- a transaction: conditions first, then the writes --------------------------------------

  private check(conditions: [boolean, Reason | undefined][]): void {
    for (const [holds, reason] of conditions) if (!holds) throw new ConflictError(reason ?? 'VERSION');
  }

  private receiptConditions(receipt: WebhookReceipt | undefined): [boolean, Reason][] {
    if (!receipt) return [];
    return [
      [!this.nonces.has(`${receipt.channel}|${receipt.nonce}`), 'NONCE'],
      [!this.requests.has(`${receipt.channel}|${receipt.requestId}`), 'REQUEST'],
    ];
  }

  private claim(receipt: WebhookReceipt | undefined): void {
    if (!receipt) return;
    this.nonces.add(`${receipt.channel}|${receipt.nonce}`);
    this.requests.set(`${receipt.channel}|${receipt.requestId}`, {
      bodyHash: receipt.bodyHash,
      answer: copy(receipt.answer),
    });
  }

  private record(subject: string, audit: AuditEntry, messages?: Notification[]): void {
    this.audit.push({ ...copy(audit), subject });
    this.outbox.push(...copy(messages ?? []));
  }

  private lockOf(idHash: string): PersonLock {
    return this.locks.get(idHash) ?? {};
  }

  // ---- identification and elimination cases ---------------------------------------------------

  private applicationConditions(previous: Case, change: ApplicationChange): [boolean, Reason][] {
    const conditions: [boolean, Reason][] = [
      [this.applications.get(previous.applicationId)?.version === previous.version, 'VERSION'],
    ];
    if (change.household)
      conditions.push([this.householdMatches(change.household.previous, change.household.next), 'VERSION']);
    if (change.plan) conditions.push([this.planMatches(change.plan.previous, change.plan.next), 'VERSION']);
    if (isFinal(change.next.stage) && !isFinal(previous.stage)) {
      const lock = this.lockOf(previous.applicant.idHash);
      conditions.push([
        previous.kind === 'ELIMINATION'
          ? lock.eliminationCaseId === previous.applicationId
          : lock.openApplicationId === previous.applicationId,
        'VERSION',
      ]);
    }
    return conditions;
  }

  private applyApplication(previous: Case, change: ApplicationChange): void {
    this.applications.set(change.next.applicationId, copy(change.next));
    if (change.household) this.writeHousehold(change.household.previous, change.household.next);
    if (change.plan) this.plans.set(this.planKey(change.plan.next), copy(change.plan.next));
    if (isFinal(change.next.stage) && !isFinal(previous.stage)) {
      const lock = this.lockOf(previous.applicant.idHash);
      if (previous.kind === 'ELIMINATION') {
        lock.eliminationCaseId = '';
        if (change.next.stage === 'RISK_ELIMINATED')
          Object.assign(lock, { openApplicationId: '', monitoring: false });
      } else if (change.next.stage === 'ACTIVE') lock.monitoring = true;
      else lock.openApplicationId = '';
      this.locks.set(previous.applicant.idHash, lock);
    }
    this.record(change.next.applicationId, change.audit, change.messages);
  }

  async createApplication(
    application: IdentificationCase,
    receipt: WebhookReceipt | undefined,
    audit: AuditEntry,
    messages?: Notification[],
  ): Promise<void> {
    const holder = this.lockOf(application.applicant.idHash).openApplicationId;
    try {
      this.check([
        ...this.receiptConditions(receipt),
        [!holder, 'OPEN_CASE'],
        [!this.applications.has(application.applicationId), 'VERSION'],
      ]);
    } catch (error) {
      if (error instanceof ConflictError && error.reason === 'OPEN_CASE')
        throw new ConflictError('OPEN_CASE', holder);
      throw error;
    }
    this.claim(receipt);
    this.locks.set(application.applicant.idHash, {
      ...this.lockOf(application.applicant.idHash),
      openApplicationId: application.applicationId,
    });
    this.applications.set(application.applicationId, copy(application));
    this.record(application.applicationId, audit, messages);
  }

  async createEliminationCase(case_: EliminationCase, audit: AuditEntry): Promise<void> {
    const lock = this.lockOf(case_.applicant.idHash);
    this.check([
      [
        lock.openApplicationId === case_.elimination!.identificationId &&
          lock.monitoring === true &&
          !lock.eliminationCaseId,
        'OPEN_CASE',
      ],
      [!this.applications.has(case_.applicationId), 'VERSION'],
    ]);
    this.locks.set(case_.applicant.idHash, { ...lock, eliminationCaseId: case_.applicationId });
    this.applications.set(case_.applicationId, copy(case_));
    this.record(case_.applicationId, audit);
  }

  async recordRequest(application: Case, receipt: WebhookReceipt, audit: AuditEntry): Promise<void> {
    this.check(this.receiptConditions(receipt));
    this.claim(receipt);
    this.record(application.applicationId, audit);
  }

  async listObjections(application: Case): Promise<Objection[]> {
    return copy(this.objections.get(application.applicationId) ?? []).sort((a, b) =>
      a.at.localeCompare(b.at),
    );
  }

  async addObjection(
    application: Case,
    objection: Objection,
    receipt: WebhookReceipt,
    audit: AuditEntry,
  ): Promise<void> {
    const stored = this.applications.get(application.applicationId);
    this.check([
      ...this.receiptConditions(receipt),
      [stored?.stage === 'PUBLICITY' && (stored.publicity?.endsAt ?? '') > objection.at, 'NOT_IN_PUBLICITY'],
    ]);
    this.claim(receipt);
    stored!.publicity!.objections += 1;
    this.objections.set(application.applicationId, [
      ...(this.objections.get(application.applicationId) ?? []),
      copy(objection),
    ]);
    this.record(application.applicationId, audit);
  }

  async getApplication(applicationId: string): Promise<Case | undefined> {
    return copy(this.applications.get(applicationId));
  }

  async listApplications(village: string, stage?: string): Promise<Case[]> {
    return [...this.applications.values()]
      .filter((a) => a.village === village && (!stage || a.stage === stage))
      .sort((a, b) => a.applicationId.localeCompare(b.applicationId))
      .map(copy);
  }

  async listAudit(application: Case): Promise<AuditEntry[]> {
    return this.auditOf(application.applicationId);
  }

  async updateApplication(previous: Case, change: ApplicationChange): Promise<void> {
    this.check(this.applicationConditions(previous, change));
    this.applyApplication(previous, change);
  }

  async getApproval(approvalId: string): Promise<Approval | undefined> {
    return copy(this.approvals.get(approvalId));
  }

  async openApproval(previous: Case, change: ApplicationChange, approval: Approval): Promise<void> {
    this.check([
      ...this.applicationConditions(previous, change),
      [!this.approvals.has(approval.approvalId), 'VERSION'],
    ]);
    this.applyApplication(previous, change);
    this.approvals.set(approval.approvalId, copy(approval));
  }

  async updatePendingApproval(
    approval: Approval,
    patch: Partial<Pick<Approval, 'taskToken' | 'approvers' | 'escalation' | 'expiresAt' | 'notified'>>,
    messages?: Notification[],
  ): Promise<void> {
    const stored = this.approvals.get(approval.approvalId);
    this.check([[stored?.status === 'PENDING', 'ALREADY_DECIDED']]);
    Object.assign(stored!, copy(patch));
    this.outbox.push(...copy(messages ?? []));
  }

  async decideApproval(
    approval: Approval,
    decided: Approval,
    previous: Case,
    change: ApplicationChange,
  ): Promise<void> {
    const stored = this.approvals.get(approval.approvalId);
    this.check([
      [stored?.status === 'PENDING' && stored.taskToken === approval.taskToken, 'ALREADY_DECIDED'],
      ...this.applicationConditions(previous, change),
    ]);
    this.approvals.set(approval.approvalId, copy(decided));
    this.applyApplication(previous, change);
  }

  // ---- households, plans, grids, visits --------------------------------------------------------

  private householdKey = (village: string, idHash: string) => householdIdOf(village, idHash);
  private planKey = (plan: Pick<AssistancePlan, 'householdId' | 'year'>) =>
    `${plan.householdId}|${plan.year}`;

  private householdMatches(previous: Household | undefined, next: Household): boolean {
    const stored = this.households.get(this.householdKey(next.village, next.idHash));
    if (previous === undefined) return stored === undefined;
    if (previous.version === undefined) return stored?.version === undefined;
    return stored?.version === previous.version;
  }

  private writeHousehold(previous: Household | undefined, next: Household): void {
    this.households.set(this.householdKey(next.village, next.idHash), {
      ...copy(next),
      version: (previous?.version ?? 0) + 1,
    });
  }

  private planMatches(previous: AssistancePlan | undefined, next: AssistancePlan): boolean {
    const stored = this.plans.get(this.planKey(next));
    return previous ? stored?.version === previous.version : stored === undefined;
  }

  private auditOf(subject: string): AuditEntry[] {
    return this.audit
      .filter((a) => a.subject === subject)
      .map(({ action, by, at, detail }) => copy({ action, by, at, detail }));
  }

  async getHousehold(village: string, idHash: string): Promise<Household | undefined> {
    return copy(this.households.get(this.householdKey(village, idHash)));
  }

  async listHouseholds(village: string): Promise<Household[]> {
    return [...this.households.values()].filter((h) => h.village === village).map(copy);
  }

  async importHouseholds(households: Household[], audit: AuditEntry & { detail: { importId: string } }) {
    for (const h of households) {
      const key = this.householdKey(h.village, h.idHash);
      const stored = this.households.get(key);
      const {
        village,
        idHash,
        group,
        householdType,
        flags,
        head,
        members,
        memberIdHashes,
        incomes,
        responsiblePerson,
      } = copy(h);
      this.households.set(key, {
        ...(stored ?? {}),
        village,
        idHash,
        group: group ?? '',
        householdType,
        flags,
        head,
        members: members ?? [],
        memberIdHashes: memberIdHashes ?? [],
        incomes: incomes ?? [],
        responsiblePerson: responsiblePerson ?? (null as never),
        updatedAt: audit.at,
        version: (stored?.version ?? 0) + 1,
      } as Household);
    }
    this.record(`IMPORT#${audit.detail.importId}`, {
      ...audit,
      detail: { ...audit.detail, households: households.length },
    });
  }

  async updateHousehold(change: HouseholdChange, receipt?: WebhookReceipt): Promise<void> {
    this.check([
      ...this.receiptConditions(receipt),
      [this.householdMatches(change.previous, change.next), 'VERSION'],
    ]);
    this.claim(receipt);
    this.writeHousehold(change.previous, change.next);
    this.record(householdIdOf(change.next.village, change.next.idHash), change.audit, change.messages);
  }

  async listHouseholdAudit(household: Household): Promise<AuditEntry[]> {
    return this.auditOf(householdIdOf(household.village, household.idHash));
  }

  async getPlan(householdId: string, year: number): Promise<AssistancePlan | undefined> {
    return copy(this.plans.get(this.planKey({ householdId, year })));
  }

  async putPlan(
    previous: AssistancePlan | undefined,
    next: AssistancePlan,
    audit: AuditEntry,
    receipt?: WebhookReceipt,
  ): Promise<void> {
    this.check([...this.receiptConditions(receipt), [this.planMatches(previous, next), 'VERSION']]);
    this.claim(receipt);
    this.plans.set(this.planKey(next), copy(next));
    this.record(next.householdId, audit);
  }

  async listGrids(village: string): Promise<Grid[]> {
    return [...this.grids.values()].filter((g) => g.village === village).map(copy);
  }

  async putGrid(grid: Grid, audit: AuditEntry): Promise<void> {
    this.grids.set(`${grid.village}|${grid.gridId}`, copy(grid));
    this.record(`G-${grid.gridId}`, audit);
  }

  async recordVisit(visit: Visit, change: HouseholdChange, receipt: WebhookReceipt): Promise<void> {
    this.check([
      ...this.receiptConditions(receipt),
      [this.householdMatches(change.previous, change.next), 'VERSION'],
    ]);
    this.claim(receipt);
    const id = householdIdOf(change.next.village, change.next.idHash);
    this.visits.set(id, [...(this.visits.get(id) ?? []), copy(visit)]);
    this.writeHousehold(change.previous, change.next);
    this.record(id, change.audit, change.messages);
  }

  async listVisits(household: Household): Promise<Visit[]> {
    return copy(this.visits.get(householdIdOf(household.village, household.idHash)) ?? []).sort((a, b) =>
      `${a.visitedOn}#${a.visitId}`.localeCompare(`${b.visitedOn}#${b.visitId}`),
    );
  }

  // ---- campaigns ---------------------------------------------------------------------------------

  private count(
    campaignId: string,
    unit: string,
    category: number | 'PROPOSED',
    add: Partial<SummaryCounter>,
  ) {
    const key = `${campaignId}|${unit}|${category}`;
    const counter = this.counters.get(key) ?? ({ unit, category } as SummaryCounter);
    for (const [name, n] of Object.entries(add) as [keyof SummaryCounter, number][])
      (counter as unknown as Record<string, number>)[name] = ((counter[name] as number | undefined) ?? 0) + n;
    this.counters.set(key, counter);
  }

  private countProblem(problem: Problem, before?: Problem['status']): void {
    const d = counterDelta(before, problem.status);
    if (d.total || d.rectified || d.inProgress)
      this.count(problem.campaignId, problem.unit, problem.category, d);
  }

  async putCampaign(previous: Campaign | undefined, next: Campaign, audit: AuditEntry): Promise<void> {
    const stored = this.campaigns.get(next.campaignId);
    this.check([
      [previous ? stored?.version === previous.version : !stored, previous ? 'VERSION' : 'DUPLICATE'],
    ]);
    this.campaigns.set(next.campaignId, copy(next));
    this.record(next.campaignId, audit);
  }

  async getCampaign(campaignId: string): Promise<Campaign | undefined> {
    return copy(this.campaigns.get(campaignId));
  }

  async listCampaigns(township: string): Promise<Campaign[]> {
    return [...this.campaigns.values()].filter((c) => c.township === township).map(copy);
  }

  async fileInspectionForm(
    form: InspectionForm,
    problems: Problem[],
    receipt: WebhookReceipt | undefined,
    audit: AuditEntry,
  ): Promise<void> {
    const key = `${form.campaignId}|${form.head.idHash}`;
    this.check([...this.receiptConditions(receipt), [!this.forms.has(key), 'DUPLICATE']]);
    this.claim(receipt);
    this.forms.set(key, copy(form));
    for (const p of problems) {
      this.problemsById.set(p.problemId, copy(p));
      this.countProblem(p);
    }
    if (form.judgement.proposeReview)
      this.count(form.campaignId, form.village, 'PROPOSED', {
        households: 1,
        persons: form.householdSize ?? 1,
      });
    this.record(form.formId, audit);
  }

  async linkFormApplication(form: InspectionForm, applicationId: string): Promise<void> {
    const stored = this.forms.get(`${form.campaignId}|${form.head.idHash}`);
    if (stored) stored.applicationId = applicationId;
  }

  async getInspectionForm(campaignId: string, idHash: string): Promise<InspectionForm | undefined> {
    return copy(this.forms.get(`${campaignId}|${idHash}`));
  }

  async *inspectionForms(campaignId: string): AsyncGenerator<InspectionForm[]> {
    yield [...this.forms.values()].filter((f) => f.campaignId === campaignId).map(copy);
  }

  async createProblem(problem: Problem, audit: AuditEntry): Promise<void> {
    this.check([[!this.problemsById.has(problem.problemId), 'DUPLICATE']]);
    this.problemsById.set(problem.problemId, copy(problem));
    this.countProblem(problem);
    this.record(problem.problemId, audit);
  }

  async updateProblem(previous: Problem, next: Problem, audit: AuditEntry, messages?: Notification[]) {
    this.check([[this.problemsById.get(previous.problemId)?.version === previous.version, 'VERSION']]);
    this.problemsById.set(next.problemId, copy(next));
    this.countProblem(next, previous.status);
    this.record(next.problemId, audit, messages);
  }

  async getProblem(problemId: string): Promise<Problem | undefined> {
    return copy(this.problemsById.get(problemId));
  }

  private campaignProblems(campaignId: string): Problem[] {
    return [...this.problemsById.values()]
      .filter((p) => p.campaignId === campaignId)
      .sort((a, b) => a.problemId.localeCompare(b.problemId));
  }

  async listProblems(
    campaignId: string,
    filter: { status?: string[]; category?: number; unit?: string; kind?: string; deadlineBefore?: string },
    page: { limit: number; cursor?: string },
  ): Promise<{ items: Problem[]; cursor?: string }> {
    let after = '';
    if (page.cursor) {
      after = Buffer.from(page.cursor, 'base64url').toString('utf8');
      if (!this.problemsById.get(after) || this.problemsById.get(after)!.campaignId !== campaignId)
        throw new InvalidCursor();
    }
    const matching = this.campaignProblems(campaignId).filter(
      (p) =>
        p.problemId > after &&
        (!filter.status?.length || filter.status.includes(p.status)) &&
        (filter.category === undefined || p.category === filter.category) &&
        (!filter.unit || p.unit.startsWith(filter.unit)) &&
        (!filter.kind || p.kind === filter.kind) &&
        (!filter.deadlineBefore || (p.deadline ?? '') < filter.deadlineBefore),
    );
    const items = matching.slice(0, page.limit).map(copy);
    return matching.length > page.limit
      ? { items, cursor: Buffer.from(items.at(-1)!.problemId).toString('base64url') }
      : { items };
  }

  async *problems(campaignId: string): AsyncGenerator<Problem[]> {
    yield this.campaignProblems(campaignId).map(copy);
  }

  async importProblems(problems: Problem[], audit: AuditEntry): Promise<void> {
    this.check(problems.map((p) => [!this.problemsById.has(p.problemId), 'DUPLICATE']));
    for (const p of problems) {
      this.problemsById.set(p.problemId, copy(p));
      this.countProblem(p);
    }
    if (problems[0]) this.record(`import-${problems[0].campaignId}`, audit);
  }

  async getSummaryCounters(campaignId: string): Promise<SummaryCounter[]> {
    return [...this.counters.entries()]
      .filter(([key]) => key.startsWith(`${campaignId}|`))
      .map(([, c]) => copy(c));
  }

  async putExport(job: ExportJob): Promise<void> {
    this.exports.set(job.exportId, copy(job));
  }

  async getExport(exportId: string): Promise<ExportJob | undefined> {
    return copy(this.exports.get(exportId));
  }

  // ---- settings ----------------------------------------------------------------------------------

  async getDirectory(): Promise<Directory> {
    return copy(this.directory);
  }

  async putDirectory(directory: Directory): Promise<void> {
    this.directory = copy(directory);
  }

  async getRequest(channel: string, requestId: string): Promise<StoredRequest | undefined> {
    return copy(this.requests.get(`${channel}|${requestId}`));
  }

  async claimNonce(channel: string, nonce: string): Promise<void> {
    this.check([[!this.nonces.has(`${channel}|${nonce}`), 'NONCE']]);
    this.nonces.add(`${channel}|${nonce}`);
  }

  async getCalendarData(): Promise<CalendarData> {
    return copy(this.calendar);
  }

  async putCalendarYear(year: string, data: CalendarData[string], audit: AuditEntry): Promise<void> {
    this.calendar = { ...this.calendar, [year]: copy(data) };
    this.record('CONFIG', audit);
  }
}
