/**
 * `LeadStore` in memory, for direct tests of the lead use cases: the same conditions as the table
 * (a lead raised once, a change on the version read), each write with its audit entry and messages.
 */

import type { AreaEvent } from '#domain/area-event';
import type { AuditEntry } from '#domain/audit';
import type { Lead, LeadStatus, ScreeningRun } from '#domain/lead';
import type { Notification } from '#notify/messages';
import { ConflictError, type HouseholdChange, type LeadStore } from './store.ts';

const copy = <T>(value: T): T => (value === undefined ? value : structuredClone(value));

export class MemoryLeads implements LeadStore {
  readonly leads = new Map<string, Lead>();
  readonly runs = new Map<string, ScreeningRun>();
  readonly events = new Map<string, AreaEvent>();

  constructor(
    readonly audit: (AuditEntry & { subject: string })[] = [],
    readonly outbox: Notification[] = [],
    /** the households a verification changes with its lead: the store that holds them checks and writes */
    private readonly households?: {
      matches(change: HouseholdChange): boolean;
      apply(change: HouseholdChange): void;
    },
  ) {}

  async raiseLead(lead: Lead, audit: AuditEntry, messages: Notification[] = []): Promise<boolean> {
    if (this.leads.has(lead.leadId)) return false;
    this.leads.set(lead.leadId, copy(lead));
    this.audit.push({ ...audit, subject: lead.leadId });
    this.outbox.push(...copy(messages));
    return true;
  }

  async getLead(leadId: string): Promise<Lead | undefined> {
    return copy(this.leads.get(leadId));
  }

  async listLeads(village: string, filter: { status?: LeadStatus; month?: string } = {}): Promise<Lead[]> {
    return [...this.leads.values()]
      .filter(
        (l) =>
          l.village === village &&
          (!filter.status || l.status === filter.status) &&
          (!filter.month || l.month === filter.month),
      )
      .sort((a, b) => a.leadId.localeCompare(b.leadId))
      .map(copy);
  }

  /** The version condition of `updateLead`, for a store that checks it with other conditions. */
  matches(previous: Lead, next: Lead): boolean {
    const stored = this.leads.get(previous.leadId);
    return !!stored && stored.version === previous.version && next.version === previous.version + 1;
  }

  async updateLead(
    previous: Lead,
    next: Lead,
    audit: AuditEntry,
    messages: Notification[] = [],
    household?: HouseholdChange,
  ): Promise<void> {
    // every condition first, then the writes: one transaction
    if (!this.matches(previous, next)) throw new ConflictError('VERSION');
    if (household && !this.households?.matches(household)) throw new ConflictError('VERSION');
    this.leads.set(next.leadId, copy(next));
    this.audit.push({ ...audit, subject: next.leadId });
    this.outbox.push(...copy(messages));
    if (household) this.households!.apply(household);
  }

  async putScreeningRun(run: ScreeningRun, audit: AuditEntry, messages: Notification[]): Promise<void> {
    this.runs.set(`${run.district}#${run.month}`, copy(run));
    this.audit.push({ ...audit, subject: `${run.district}#${run.month}` });
    this.outbox.push(...copy(messages));
  }

  async putAreaEvent(
    previous: AreaEvent | undefined,
    next: AreaEvent,
    audit: AuditEntry,
    messages: Notification[] = [],
  ): Promise<void> {
    const stored = this.events.get(next.eventId);
    if (previous ? stored?.version !== previous.version : stored) throw new ConflictError('VERSION');
    this.events.set(next.eventId, copy(next));
    this.audit.push({ ...audit, subject: next.eventId });
    this.outbox.push(...copy(messages));
  }

  async getAreaEvent(district: string, eventId: string): Promise<AreaEvent | undefined> {
    const event = this.events.get(eventId);
    return event?.district === district ? copy(event) : undefined;
  }

  async getScreeningRun(district: string, month: string): Promise<ScreeningRun | undefined> {
    return copy(this.runs.get(`${district}#${month}`));
  }
}
