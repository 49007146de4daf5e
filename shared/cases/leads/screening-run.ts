/**
 * 部门筛查预警, run for a district and month: the departments' files read from the document bucket,
 * the registry and the open applications of the district's villages as the index, earlier NO_RISK
 * verifications for the suppression — then every new lead raised with its deadline, and each village
 * with new leads told once. Screening the same files again raises nothing new.
 */
import { businessDate } from '#domain/calendar';
import { isIdentification } from '#domain/case';
import { DEPARTMENT_CODES } from '#domain/department-extracts';
import type { Person } from '#domain/directory';
import { applicationSubject, arrivingLead, type Lead, type ScreeningRun } from '#domain/lead';
import { covers, peopleFor } from '#domain/scope';
import {
  DEFAULT_SCREENING_RULES,
  reasonKey,
  type ScreeningRules,
  verificationWorkingDays,
} from '#domain/screening';
import { isFinal } from '#domain/stages';
import { dueOn } from '#domain/time-limits';
import { compose, type Notification } from '#notify/messages';
import { hashIdNumber, householdIdOf } from '#store/identity';
import { calendarData } from '../configuration.ts';
import type { CaseContext } from '../context.ts';
import { CaseError } from '../errors.ts';
import { extractKey, readExtractFile, sniffFormat } from './extract-files.ts';
import { leadsLinkFor } from './lead-links.ts';
import {
  type EarlierVerification,
  MAX_LISTED_ROWS,
  type Registered,
  type ScreeningIndex,
  screenMonth,
} from './screening.ts';

/** The index of a district: every registered member, then every open applicant outside the registry. */
async function indexOf(ctx: CaseContext, villages: readonly string[]): Promise<ScreeningIndex> {
  const byHash = new Map<string, Registered>();
  for (const village of villages) {
    for (const household of await ctx.store.listHouseholds(village)) {
      const entry: Registered = {
        subjectKey: householdIdOf(village, household.idHash),
        village,
        subject: {
          householdType: household.householdType,
          monitored: household.monitoring?.status === 'MONITORED',
        },
      };
      for (const hash of [household.idHash, ...(household.memberIdHashes ?? [])]) byHash.set(hash, entry);
    }
  }
  for (const village of villages) {
    for (const app of await ctx.store.listApplications(village)) {
      if (isFinal(app.stage) || !isIdentification(app) || byHash.has(app.applicant.idHash)) continue;
      byHash.set(app.applicant.idHash, {
        subjectKey: applicationSubject(app.applicationId),
        village,
        subject: { householdType: app.householdType, monitored: false },
      });
    }
  }
  const known = new Set(villages);
  return { find: (hash) => byHash.get(hash), hasVillage: (code) => known.has(code) };
}

async function earlierOf(ctx: CaseContext, villages: readonly string[]): Promise<EarlierVerification[]> {
  const earlier: EarlierVerification[] = [];
  for (const village of villages) {
    for (const lead of await ctx.store.listLeads(village, { status: 'VERIFIED' })) {
      if (!lead.verification) continue;
      earlier.push({
        subjectKey: lead.subjectKey,
        reasonKey: reasonKey(lead),
        grade: lead.grade,
        outcome: lead.verification.outcome,
        verifiedOn: businessDate(lead.verification.at),
      });
    }
  }
  return earlier;
}

/** Screens a district's month; only district staff (区乡村振兴部门) run it. */
export async function runScreening(
  ctx: CaseContext,
  caller: Person,
  input: { district: string; month: string; rules?: ScreeningRules },
): Promise<ScreeningRun> {
  if (!covers(caller, input.district, ['DISTRICT_FILER'])) {
    throw new CaseError('FORBIDDEN', '仅区级乡村振兴部门可运行部门筛查');
  }
  const directory = await ctx.store.getDirectory();
  const villages = directory.villages.map((v) => v.code).filter((code) => code.startsWith(input.district));
  const now = ctx.clock.now();
  const today = businessDate(now);
  // every department's file uploaded for the month, CSV or XLSX as its first bytes say
  const sources = [];
  for (const department of DEPARTMENT_CODES) {
    const body = await ctx.documents.readStream(extractKey(input.district, input.month, department));
    if (!body) continue;
    const { format, source } = await sniffFormat(body);
    sources.push({ department, rows: readExtractFile(department, source, format, now) });
  }
  if (!sources.length) {
    throw new CaseError('NOT_FOUND', `${input.month}尚未上传任何部门数据`, [
      { path: 'month', message: '该月没有已上传的部门数据文件' },
    ]);
  }
  const rules = input.rules ?? DEFAULT_SCREENING_RULES;
  const result = await screenMonth({
    district: input.district,
    month: input.month,
    today,
    files: sources,
    index: await indexOf(ctx, villages),
    hash: (idNumber) => hashIdNumber(idNumber, ctx.secrets.idHmacKey),
    earlier: await earlierOf(ctx, villages),
    rules,
  });

  const extra = await calendarData(ctx);
  const at = ctx.clock.nowIso();
  const raised = new Map<string, Lead[]>();
  let alreadyRaised = 0;
  for (const screened of result.leads) {
    const due = dueOn(today, verificationWorkingDays(screened, rules), extra);
    const lead = arrivingLead(
      {
        leadId: screened.leadId,
        source: 'DEPARTMENT_SCREENING',
        kind: screened.kind,
        district: input.district,
        village: screened.village,
        subjectKey: screened.subjectKey,
        grade: screened.grade,
        reasons: screened.reasons,
        month: input.month,
      },
      { on: today, at, due },
    );
    const created = await ctx.store.raiseLead(lead, {
      action: 'LEAD_RAISED',
      by: caller.personId,
      at,
      detail: { source: lead.source, grade: lead.grade, kind: lead.kind, month: input.month },
    });
    if (!created) {
      alreadyRaised++;
      continue;
    }
    raised.set(lead.village, [...(raised.get(lead.village) ?? []), lead]);
  }

  // one digest per village with new leads, to its 村两委: the earliest deadline first
  const messages: Notification[] = [];
  for (const [village, leads] of raised) {
    const earliest = leads.map((l) => l.dueOn).sort()[0]!;
    for (const person of peopleFor(directory.people, 'VILLAGE_COMMITTEE', 'village', village)) {
      messages.push(
        compose(
          'LEADS_TO_VERIFY',
          person,
          village,
          { month: input.month, count: leads.length, dueOn: earliest },
          leadsLinkFor(ctx, person, village),
        ),
      );
    }
  }
  const run: ScreeningRun = {
    district: input.district,
    month: input.month,
    ranAt: at,
    ranBy: caller.personId,
    departments: result.departments,
    leads: result.leads.length,
    alreadyRaised,
    suppressed: result.suppressed,
    registryChanges: result.registryChanges
      .slice(0, MAX_LISTED_ROWS)
      .map(({ subjectKey, ...c }) =>
        subjectKey.startsWith('A#')
          ? { applicationId: subjectKey.slice(2), ...c }
          : { householdId: subjectKey, ...c },
      ),
    areaProposals: result.areaProposals.map(({ disaster, disasterLabel, ...p }) => ({
      kind: disaster,
      label: disasterLabel,
      ...p,
    })),
  };
  await ctx.store.putScreeningRun(
    run,
    {
      action: 'SCREENING_RUN',
      by: caller.personId,
      at,
      detail: {
        month: input.month,
        leads: run.leads,
        new: run.leads - alreadyRaised,
        suppressed: run.suppressed,
      },
    },
    messages,
  );
  return run;
}
