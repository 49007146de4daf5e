/**
 * The lead loop as staff see it (docs/contract-leads.md): an upload URL for a department's monthly
 * file, a district's screening run, and a village's leads with their deadlines and colours. The
 * district runs the screening; a village reads only its own leads, the township and district theirs.
 */

import { AREA_EVENT_KINDS } from '#domain/area-event';
import { businessDate } from '#domain/calendar';
import { DEPARTMENTS, type Department } from '#domain/department-extracts';
import type { Person } from '#domain/directory';
import type { Lead, LeadStatus } from '#domain/lead';
import { covers } from '#domain/scope';
import { GRADE_LABELS, LEAD_SOURCES, SCREENING_RULE_LABELS } from '#domain/screening';
import { DEADLINE_COLOURS, deadlineColour } from '#domain/time-limits';
import { calendarData } from '../configuration.ts';
import type { CaseContext } from '../context.ts';
import { CaseError, notFound } from '../errors.ts';
import { extractKey } from './extract-files.ts';

/** A department file may be hundreds of MB: the URL lasts long enough to upload one. */
const EXTRACT_UPLOAD_SECONDS = 3600;

const mustRunScreening = (caller: Person, district: string) => {
  if (!covers(caller, district, ['DISTRICT_FILER'])) {
    throw new CaseError('FORBIDDEN', '仅区级乡村振兴部门可上传部门数据、运行部门筛查');
  }
};

/** `POST /districts/{code}/extracts`: where to PUT a department's file for the month (the latest kept). */
export async function requestExtractUpload(
  ctx: CaseContext,
  caller: Person,
  district: string,
  body: { month: string; department: Department },
) {
  mustRunScreening(caller, district);
  const key = extractKey(district, body.month, body.department);
  return {
    district,
    month: body.month,
    department: body.department,
    departmentName: DEPARTMENTS[body.department],
    upload: {
      uploadUrl: await ctx.documents.uploadUrl(key, EXTRACT_UPLOAD_SECONDS),
      method: 'PUT' as const,
      headers: {},
      expiresAt: new Date(Date.now() + EXTRACT_UPLOAD_SECONDS * 1000).toISOString(),
    },
  };
}

/** `GET /districts/{code}/screenings/{month}`: the last run's summary. */
export async function readScreeningRun(ctx: CaseContext, caller: Person, district: string, month: string) {
  if (!covers(caller, district)) throw new CaseError('FORBIDDEN', '无权查看此区县的部门筛查');
  const run = await ctx.store.getScreeningRun(district, month);
  if (!run) throw notFound('该月的部门筛查');
  return run;
}

export function leadView(lead: Lead, today: string, extra: Parameters<typeof deadlineColour>[2]) {
  const colour = lead.status === 'OPEN' ? deadlineColour(lead.dueOn, today, extra) : undefined;
  return {
    leadId: lead.leadId,
    source: lead.source,
    sourceLabel: LEAD_SOURCES[lead.source],
    kind: lead.kind,
    village: lead.village,
    subject: lead.subjectKey.startsWith('A#')
      ? { applicationId: lead.subjectKey.slice(2) }
      : { householdId: lead.subjectKey },
    grade: lead.grade,
    gradeLabel: GRADE_LABELS[lead.grade],
    reasons: lead.reasons.map((r) =>
      r.kind === 'REPORT'
        ? { kind: r.kind, label: LEAD_SOURCES[lead.source], value: r.value }
        : r.kind === 'AREA_EVENT'
          ? {
              kind: r.kind,
              eventId: r.eventId,
              event: r.event,
              label: AREA_EVENT_KINDS[r.event],
              value: r.value,
            }
          : {
              kind: r.kind,
              department: r.department,
              departmentName: DEPARTMENTS[r.department],
              rule: r.rule,
              label: SCREENING_RULE_LABELS[r.rule],
              value: r.value,
              ...(r.kind === 'RISK' ? { grade: r.grade } : {}),
            },
    ),
    month: lead.month ?? null,
    arrivedOn: lead.arrivedOn,
    dueOn: lead.dueOn,
    dueProvisional: lead.dueProvisional,
    status: lead.status,
    deadline: colour ? { colour, label: DEADLINE_COLOURS[colour] } : null,
    remindedOn: lead.remindedOn ?? null,
    escalatedOn: lead.escalatedOn ?? null,
    verification: lead.verification ?? null,
  };
}

/** One lead as staff read it, its deadline's colour on the business clock and the configured calendar. */
export async function viewOfLead(ctx: CaseContext, lead: Lead) {
  return leadView(lead, businessDate(ctx.clock.now()), await calendarData(ctx));
}

/** `GET /villages/{code}/leads`: the village's leads, the most urgent first. */
export async function listVillageLeads(
  ctx: CaseContext,
  caller: Person,
  village: string,
  filter: { status?: LeadStatus; month?: string },
) {
  if (!covers(caller, village)) throw new CaseError('FORBIDDEN', '无权查看此村的数据');
  const today = businessDate(ctx.clock.now());
  const extra = await calendarData(ctx);
  const leads = await ctx.store.listLeads(village, filter);
  leads.sort(
    (a, b) => a.dueOn.localeCompare(b.dueOn) || a.grade - b.grade || a.leadId.localeCompare(b.leadId),
  );
  return { items: leads.map((l) => leadView(l, today, extra)) };
}
