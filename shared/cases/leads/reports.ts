/**
 * 信访, 媒体舆情, 12317/12345 third-party reports and 防返贫保险 claims about a household, entered by the
 * township or the district: a lead like any other, verified by its village within its grade's
 * deadline. (The same sources by signed webhook, each its own channel, come with their secrets.)
 */
import { randomBytes } from 'node:crypto';
import { businessDate } from '#domain/calendar';
import type { Person } from '#domain/directory';
import { arrivingLead } from '#domain/lead';
import { covers, peopleFor } from '#domain/scope';
import { type Grade, LEAD_SOURCES, verificationWorkingDays } from '#domain/screening';
import { dueOn } from '#domain/time-limits';
import { compose } from '#notify/messages';
import { parseHouseholdId } from '#store/identity';
import { calendarData } from '../configuration.ts';
import type { CaseContext } from '../context.ts';
import { CaseError, validationFailed } from '../errors.ts';
import { leadsLinkFor } from './lead-links.ts';

export const REPORTED_SOURCES = ['PETITION', 'MEDIA', 'HOTLINE_REPORT', 'INSURANCE'] as const;

export interface ReportedLead {
  source: (typeof REPORTED_SOURCES)[number];
  householdId: string;
  description: string;
  /** how urgent the report reads (default 2) */
  grade?: Grade;
}

/** `POST /villages/{code}/leads`: a reported lead about a registered household of the village. */
export async function reportLead(ctx: CaseContext, caller: Person, village: string, body: ReportedLead) {
  if (!covers(caller, village, ['TOWNSHIP_REVIEWER', 'DISTRICT_FILER'])) {
    throw new CaseError('FORBIDDEN', '反映线索由乡镇或区级登记');
  }
  const id = parseHouseholdId(body.householdId);
  const household = id?.village === village ? await ctx.store.getHousehold(id.village, id.idHash) : undefined;
  if (!household) throw validationFailed([{ path: 'householdId', message: '该户不在本村户籍库中' }]);
  const directory = await ctx.store.getDirectory();
  const today = businessDate(ctx.clock.now());
  const at = ctx.clock.nowIso();
  const grade = body.grade ?? 2;
  const due = dueOn(today, verificationWorkingDays({ kind: 'RISK', grade }), await calendarData(ctx));
  const lead = arrivingLead(
    {
      leadId: `${village}-R${today.replaceAll('-', '')}${randomBytes(6).toString('hex')}`,
      source: body.source,
      kind: 'RISK',
      district: village.slice(0, 6),
      village,
      subjectKey: body.householdId,
      grade,
      reasons: [{ kind: 'REPORT', value: body.description }],
    },
    { on: today, at, due },
  );
  await ctx.store.raiseLead(
    lead,
    { action: 'LEAD_RAISED', by: caller.personId, at, detail: { source: body.source, grade } },
    peopleFor(directory.people, 'VILLAGE_COMMITTEE', 'village', village).map((p) =>
      compose(
        'REPORTED_LEAD',
        p,
        village,
        {
          source: LEAD_SOURCES[body.source],
          head: household.head?.name,
          what: body.description,
          dueOn: due.dueOn,
        },
        leadsLinkFor(ctx, p, village),
      ),
    ),
  );
  return lead;
}
