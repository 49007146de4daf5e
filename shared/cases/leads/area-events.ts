/**
 * 区域性风险事件 (防止规模性返贫): declared by the district or a township for its villages, a verification
 * lead for every registered household there (monitored, 脱贫户 and 边缘易致贫户 first), its progress per
 * village, and its close with a summary once every lead is verified. An event is one per kind and date
 * in a district: declaring it again (more villages, or after an interruption) raises only what is missing.
 */
import { createHash } from 'node:crypto';
import { AREA_EVENT_KINDS, type AreaEvent, type AreaEventKind, areaEventGrade } from '#domain/area-event';
import { businessDate } from '#domain/calendar';
import type { Person } from '#domain/directory';
import { arrivingLead, type Lead } from '#domain/lead';
import { covers, peopleFor } from '#domain/scope';
import { verificationWorkingDays } from '#domain/screening';
import { deadlineColour, dueOn } from '#domain/time-limits';
import { compose, type Notification } from '#notify/messages';
import { householdIdOf } from '#store/identity';
import { ConflictError } from '#store/store';
import { calendarData } from '../configuration.ts';
import type { CaseContext } from '../context.ts';
import { CaseError, notFound, validationFailed } from '../errors.ts';
import { leadsLinkFor } from './lead-links.ts';

export interface AreaEventRequest {
  kind: AreaEventKind;
  villages: string[];
  occurredOn: string;
  description: string;
}

const DECLARERS = ['DISTRICT_FILER', 'TOWNSHIP_REVIEWER'] as const;

export const areaEventIdOf = (district: string, kind: AreaEventKind, occurredOn: string) =>
  `${district}-${kind}-${occurredOn}`;

const leadIdOf = (village: string, eventId: string, subjectKey: string) =>
  `${village}-E${createHash('sha256').update(`${eventId}|${subjectKey}`).digest('hex').slice(0, 22)}`;

/** `POST /districts/{code}/area-events`: the event, and a lead for every registered household of its villages. */
export async function declareAreaEvent(
  ctx: CaseContext,
  caller: Person,
  district: string,
  body: AreaEventRequest,
): Promise<AreaEvent> {
  const directory = await ctx.store.getDirectory();
  const known = new Map(directory.villages.map((v) => [v.code, v]));
  const unknown = body.villages.findIndex((v) => !v.startsWith(district) || !known.has(v));
  if (unknown >= 0) throw validationFailed([{ path: `villages[${unknown}]`, message: '村代码不在本区县' }]);
  const outside = body.villages.find((v) => !covers(caller, v, DECLARERS));
  if (outside) throw new CaseError('FORBIDDEN', '区域性风险事件由区或乡镇认定，须覆盖所列各村');

  const eventId = areaEventIdOf(district, body.kind, body.occurredOn);
  const at = ctx.clock.nowIso();
  const today = businessDate(ctx.clock.now());
  const previous = await ctx.store.getAreaEvent(district, eventId);
  if (previous?.status === 'CLOSED')
    throw new CaseError('CONFLICT', '该区域性风险事件已结束', undefined, { eventId });
  const villages = [...new Set([...(previous?.villages ?? []), ...body.villages])].sort();
  const extra = await calendarData(ctx);

  let raised = 0;
  const messages: Notification[] = [];
  for (const code of body.villages) {
    const newLeads: Lead[] = [];
    for (const household of await ctx.store.listHouseholds(code)) {
      const subjectKey = householdIdOf(code, household.idHash);
      const grade = areaEventGrade({
        householdType: household.householdType,
        monitored: household.monitoring?.status === 'MONITORED',
      });
      const due = dueOn(today, verificationWorkingDays({ kind: 'RISK', grade }), extra);
      const lead = arrivingLead(
        {
          leadId: leadIdOf(code, eventId, subjectKey),
          source: 'AREA_EVENT',
          kind: 'RISK',
          district,
          village: code,
          subjectKey,
          grade,
          reasons: [{ kind: 'AREA_EVENT', eventId, event: body.kind, value: body.description }],
        },
        { on: today, at, due },
      );
      const created = await ctx.store.raiseLead(lead, {
        action: 'LEAD_RAISED',
        by: caller.personId,
        at,
        detail: { source: 'AREA_EVENT', eventId, grade },
      });
      if (created) newLeads.push(lead);
    }
    raised += newLeads.length;
    if (!newLeads.length) continue;
    const earliest = newLeads.map((l) => l.dueOn).sort()[0]!;
    for (const person of peopleFor(directory.people, 'VILLAGE_COMMITTEE', 'village', code)) {
      messages.push(
        compose(
          'AREA_EVENT_LEADS',
          person,
          code,
          {
            event: AREA_EVENT_KINDS[body.kind],
            occurredOn: body.occurredOn,
            count: newLeads.length,
            dueOn: earliest,
          },
          leadsLinkFor(ctx, person, code),
        ),
      );
    }
  }
  const next: AreaEvent = {
    eventId,
    district,
    kind: body.kind,
    villages,
    occurredOn: body.occurredOn,
    description: previous?.description ?? body.description,
    declaredBy: previous?.declaredBy ?? caller.personId,
    declaredAt: previous?.declaredAt ?? at,
    leads: (previous?.leads ?? 0) + raised,
    status: 'OPEN',
    version: (previous?.version ?? 0) + 1,
  };
  try {
    await ctx.store.putAreaEvent(
      previous,
      next,
      { action: 'AREA_EVENT_DECLARED', by: caller.personId, at, detail: { villages: body.villages, raised } },
      messages,
    );
  } catch (error) {
    if (error instanceof ConflictError)
      throw new CaseError('CONFLICT', '该事件刚被他人修改，请重试', undefined, { eventId });
    throw error;
  }
  return next;
}

async function mustGetEvent(ctx: CaseContext, caller: Person, district: string, eventId: string) {
  const event = await ctx.store.getAreaEvent(district, eventId);
  if (!event) throw notFound('区域性风险事件');
  if (!event.villages.some((v) => covers(caller, v))) throw new CaseError('FORBIDDEN', '无权查看此事件');
  return event;
}

/** The event's progress per village: households, verified, at risk, identified, overdue. */
async function progressOf(ctx: CaseContext, event: AreaEvent) {
  const today = businessDate(ctx.clock.now());
  const extra = await calendarData(ctx);
  const villages = [];
  for (const code of event.villages) {
    const leads = (await ctx.store.listLeads(code)).filter((l) =>
      l.reasons.some((r) => r.kind === 'AREA_EVENT' && r.eventId === event.eventId),
    );
    villages.push({
      village: code,
      households: leads.length,
      verified: leads.filter((l) => l.status === 'VERIFIED').length,
      atRisk: leads.filter((l) => l.verification?.outcome === 'AT_RISK').length,
      identified: leads.filter((l) => l.verification?.caseId).length,
      overdue: leads.filter(
        (l) => l.status === 'OPEN' && ['ORANGE', 'RED'].includes(deadlineColour(l.dueOn, today, extra)),
      ).length,
    });
  }
  return villages;
}

/** `GET /districts/{code}/area-events/{id}`. */
export async function readAreaEvent(ctx: CaseContext, caller: Person, district: string, eventId: string) {
  const event = await mustGetEvent(ctx, caller, district, eventId);
  return { ...event, progress: await progressOf(ctx, event) };
}

/** `POST /districts/{code}/area-events/{id}/close`: once every lead is verified, with the summary. */
export async function closeAreaEvent(
  ctx: CaseContext,
  caller: Person,
  district: string,
  eventId: string,
  summary: string,
) {
  const event = await mustGetEvent(ctx, caller, district, eventId);
  if (event.villages.some((v) => !covers(caller, v, DECLARERS))) {
    throw new CaseError('FORBIDDEN', '区域性风险事件由区或乡镇结束');
  }
  if (event.status === 'CLOSED')
    throw new CaseError('CONFLICT', '该区域性风险事件已结束', undefined, { eventId });
  const progress = await progressOf(ctx, event);
  const open = progress.reduce((n, v) => n + v.households - v.verified, 0);
  if (open)
    throw new CaseError('CONFLICT', `尚有${open}户未核实，核实完毕后方可结束`, undefined, { eventId, open });
  const at = ctx.clock.nowIso();
  const next: AreaEvent = {
    ...event,
    status: 'CLOSED',
    summary,
    closedBy: caller.personId,
    closedAt: at,
    version: event.version + 1,
  };
  await ctx.store.putAreaEvent(event, next, { action: 'AREA_EVENT_CLOSED', by: caller.personId, at });
  return { ...next, progress };
}
