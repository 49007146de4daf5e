/**
 * 风险线索 on the table: a lead lives in its village's partition (`L#<leadId>`, its audit `AU#`);
 * a district's screening runs and area events have their own (`SCR#<district>`: `M#<month>`, `EV#<eventId>`,
 * with their audit).
 */
import type { AreaEvent } from '#domain/area-event';
import type { AuditEntry } from '#domain/audit';
import type { Lead, LeadStatus, ScreeningRun } from '#domain/lead';
import type { Notification } from '#notify/messages';
import type { HouseholdChange, LeadStore } from '../store.ts';
import { ConflictError } from '../store.ts';
import { householdAudit, householdPut } from './households.ts';
import { type DynamoTable, keys, type TransactItem } from './table.ts';

/** The village is the first part of every lead id, so a lead is found without an index. */
const villageOfLead = (leadId: string): string => leadId.slice(0, 12);

function auditPut(t: DynamoTable, PK: string, subject: string, audit: AuditEntry): TransactItem {
  return {
    Put: {
      TableName: t.name,
      Item: { PK, SK: keys.audit(subject, audit.at), type: 'AUDIT', subject, ...audit },
    },
  };
}

export const leadTable = (t: DynamoTable): LeadStore => ({
  async raiseLead(lead: Lead, audit: AuditEntry, messages?: Notification[]): Promise<boolean> {
    try {
      await t.transact(
        [
          {
            Put: {
              TableName: t.name,
              Item: { PK: keys.village(lead.village), SK: keys.lead(lead.leadId), type: 'LEAD', ...lead },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          auditPut(t, keys.village(lead.village), lead.leadId, audit),
          ...t.messageItems(messages, audit.at),
        ],
        ['DUPLICATE'],
      );
      return true;
    } catch (error) {
      if (error instanceof ConflictError && error.reason === 'DUPLICATE') return false;
      throw error;
    }
  },

  async getLead(leadId: string): Promise<Lead | undefined> {
    if (!/^\d{12}-/.test(leadId)) return undefined;
    return t.get<Lead>(keys.village(villageOfLead(leadId)), keys.lead(leadId));
  },

  async listLeads(village: string, filter: { status?: LeadStatus; month?: string } = {}): Promise<Lead[]> {
    const leads = await t.under<Lead>(keys.village(village), 'L#');
    return leads.filter(
      (l) => (!filter.status || l.status === filter.status) && (!filter.month || l.month === filter.month),
    );
  },

  async updateLead(
    previous: Lead,
    next: Lead,
    audit: AuditEntry,
    messages?: Notification[],
    household?: HouseholdChange,
  ): Promise<void> {
    await t.transact(
      [
        {
          Put: {
            TableName: t.name,
            Item: { PK: keys.village(next.village), SK: keys.lead(next.leadId), type: 'LEAD', ...next },
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': previous.version },
          },
        },
        auditPut(t, keys.village(next.village), next.leadId, audit),
        ...(household
          ? [
              householdPut(t, household.previous, household.next),
              householdAudit(t, household.next, household.audit),
            ]
          : []),
        ...t.messageItems([...(messages ?? []), ...(household?.messages ?? [])], audit.at),
      ],
      ['VERSION', undefined, ...(household ? (['VERSION'] as const) : [])],
    );
  },

  async putScreeningRun(run: ScreeningRun, audit: AuditEntry, messages: Notification[]): Promise<void> {
    const PK = keys.screenings(run.district);
    await t.transact(
      [
        {
          Put: {
            TableName: t.name,
            Item: { PK, SK: keys.screeningMonth(run.month), type: 'SCREENING', ...run },
          },
        },
        auditPut(t, PK, run.month, audit),
        ...t.messageItems(messages, audit.at),
      ],
      [],
    );
  },

  async putAreaEvent(
    previous: AreaEvent | undefined,
    next: AreaEvent,
    audit: AuditEntry,
    messages?: Notification[],
  ): Promise<void> {
    const PK = keys.screenings(next.district);
    await t.transact(
      [
        {
          Put: {
            TableName: t.name,
            Item: { PK, SK: keys.areaEvent(next.eventId), type: 'AREA_EVENT', ...next },
            ...(previous
              ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': previous.version } }
              : { ConditionExpression: 'attribute_not_exists(PK)' }),
          },
        },
        auditPut(t, PK, next.eventId, audit),
        ...t.messageItems(messages, audit.at),
      ],
      ['VERSION'],
    );
  },

  async getAreaEvent(district: string, eventId: string): Promise<AreaEvent | undefined> {
    return t.get<AreaEvent>(keys.screenings(district), keys.areaEvent(eventId));
  },

  async getScreeningRun(district: string, month: string): Promise<ScreeningRun | undefined> {
    return t.get<ScreeningRun>(keys.screenings(district), keys.screeningMonth(month));
  },
});
