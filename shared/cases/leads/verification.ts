/**
 * 核实: a person of the lead's village records what was found at the household, and the outcome has
 * the effect DOMAIN.md gives it — `AT_RISK` opens an identification through the chain with the lead
 * linked (风险再标注 for a 风险消除 household), or, for a current monitoring object, adds the risks and
 * asks for a plan review; `EXCLUSION_CONFIRMED` flags the household for the township's review;
 * `NO_RISK` keeps its reason for the 3-month suppression; `DATA_ERROR` is kept for the department.
 */
import type { z } from 'zod';
import type { Directory, Person } from '#domain/directory';
import { HARD_EXCLUSIONS } from '#domain/eligibility';
import type { Household } from '#domain/household';
import type { Lead } from '#domain/lead';
import { RISK_TYPES } from '#domain/risk-types';
import { covers, peopleFor } from '#domain/scope';
import { compose } from '#notify/messages';
import type { leadVerification } from '#schemas/leads';
import { parseHouseholdId } from '#store/identity';
import type { HouseholdChange } from '#store/store';
import { ConflictError } from '#store/store';
import type { CaseContext } from '../context.ts';
import { CaseError, notFound, validationFailed } from '../errors.ts';
import { openCase, startOpenedCase } from '../identification/intake.ts';

export type LeadVerification = z.infer<typeof leadVerification>;

/** The outcomes each kind of lead can have: a risk is found or not, an exclusion is true or not. */
const OUTCOMES: Record<Lead['kind'], readonly LeadVerification['outcome'][]> = {
  RISK: ['AT_RISK', 'NO_RISK', 'DATA_ERROR'],
  EXCLUSION: ['EXCLUSION_CONFIRMED', 'NO_RISK', 'DATA_ERROR'],
};

const textOf = (body: LeadVerification): string =>
  body.outcome === 'NO_RISK' ? body.reason : body.outcome === 'DATA_ERROR' ? body.note : body.findings;

/**
 * An identification of the lead's household, through the chain; the same lead again finds it, and a
 * household already in a chain keeps its case, which the lead is then linked to.
 */
async function openIdentification(
  ctx: CaseContext,
  caller: Person,
  lead: Lead,
  household: Household,
  body: Extract<LeadVerification, { outcome: 'AT_RISK' }>,
) {
  const directory = await ctx.store.getDirectory();
  const village = directory.villages.find((v) => v.code === household.village)!;
  const head = household.head!;
  let opened: Awaited<ReturnType<typeof openCase>>;
  try {
    opened = await openCase(
      ctx,
      { channel: 'risk-lead', by: caller.personId, knownIdHash: household.idHash },
      {
        village: household.village,
        group:
          household.group && village.groups.includes(household.group) ? household.group : village.groups[0]!,
        // sealed as the registry holds them: written back unchanged
        applicant: { name: head.name, idNumber: head.idNumber, phone: head.phone },
        reason: `风险线索核实：${body.findings}`,
        riskTypes: body.riskTypes,
        declaredAnnualIncome: body.declaredAnnualIncome,
        householdSize: body.householdSize,
        callId: `lead:${lead.leadId}`,
      },
    );
  } catch (error) {
    if (error instanceof CaseError && error.code === 'CONFLICT' && error.extra?.applicationId) {
      return String(error.extra.applicationId);
    }
    throw error;
  }
  await startOpenedCase(ctx, opened.applicationId, household.village);
  return opened.applicationId;
}

/** What the household record takes from the outcome, and whom that tells. */
function householdChange(
  ctx: CaseContext,
  caller: Person,
  lead: Lead,
  household: Household,
  body: LeadVerification,
  directory: Directory,
): HouseholdChange | undefined {
  const people = directory.people;
  const at = ctx.clock.nowIso();
  const monitoring = household.monitoring;
  const audit = {
    action: 'LEAD_VERIFIED',
    by: caller.personId,
    at,
    detail: { leadId: lead.leadId, outcome: body.outcome },
  };
  if (body.outcome === 'AT_RISK' && monitoring?.status === 'MONITORED') {
    const riskTypes = [...new Set([...monitoring.riskTypes, ...body.riskTypes])];
    const told = monitoring.contactPerson
      ? [monitoring.contactPerson]
      : peopleFor(people, 'VILLAGE_COMMITTEE', 'village', household.village);
    return {
      previous: household,
      next: { ...household, monitoring: { ...monitoring, riskTypes }, updatedAt: at },
      audit,
      messages: told.map((p) =>
        compose('LEAD_PLAN_REVIEW', p, household.village, {
          head: household.head?.name,
          risks: body.riskTypes.map((r) => RISK_TYPES[r]).join('、'),
        }),
      ),
    };
  }
  if (body.outcome === 'EXCLUSION_CONFIRMED') {
    const rules = [...new Set(lead.reasons.filter((r) => r.kind === 'EXCLUSION').map((r) => r.rule))];
    const flags = { ...household.flags, ...Object.fromEntries(rules.map((r) => [r, true])) };
    const village = household.village;
    const villageName = directory.villages.find((v) => v.code === village)?.name ?? village;
    return {
      previous: household,
      next: {
        ...household,
        flags,
        ...(monitoring
          ? {
              monitoring: {
                ...monitoring,
                exclusionReview: { leadId: lead.leadId, rule: rules.join(','), at },
              },
            }
          : {}),
        updatedAt: at,
      },
      audit,
      messages: peopleFor(people, 'TOWNSHIP_REVIEWER', 'township', village).map((p) =>
        compose('EXCLUSION_TO_REVIEW', p, village, {
          head: household.head?.name,
          village: villageName,
          rule: rules.map((r) => HARD_EXCLUSIONS[r]).join('；'),
        }),
      ),
    };
  }
  return undefined;
}

/** `POST /leads/{id}/verification`: once, by a village cadre of the lead's village. */
export async function verifyLead(ctx: CaseContext, caller: Person, leadId: string, body: LeadVerification) {
  const lead = await ctx.store.getLead(leadId);
  if (!lead) throw notFound('风险线索');
  if (!covers(caller, lead.village, ['VILLAGE_COMMITTEE', 'GROUP_LEADER'])) {
    throw new CaseError('FORBIDDEN', '风险线索由本村村干部核实');
  }
  if (lead.status === 'VERIFIED') throw new CaseError('CONFLICT', '该线索已核实', undefined, { leadId });
  if (!OUTCOMES[lead.kind].includes(body.outcome)) {
    throw validationFailed([
      {
        path: 'outcome',
        message: `${lead.kind === 'RISK' ? '风险' : '排除情形'}线索的核实结果应为${OUTCOMES[lead.kind].join('、')}之一`,
      },
    ]);
  }
  const directory = await ctx.store.getDirectory();
  const id = parseHouseholdId(lead.subjectKey);
  const household = id ? await ctx.store.getHousehold(id.village, id.idHash) : undefined;
  let caseId = lead.subjectKey.startsWith('A#') ? lead.subjectKey.slice(2) : undefined;
  if (
    body.outcome === 'AT_RISK' &&
    household &&
    household.monitoring?.status !== 'MONITORED' &&
    household.head
  ) {
    caseId = await openIdentification(ctx, caller, lead, household, body);
  }
  const at = ctx.clock.nowIso();
  const next: Lead = {
    ...lead,
    status: 'VERIFIED',
    verification: {
      outcome: body.outcome,
      reason: textOf(body),
      by: caller.name,
      byPersonId: caller.personId,
      at,
      ...(caseId && body.outcome === 'AT_RISK' ? { caseId } : {}),
    },
    version: lead.version + 1,
    updatedAt: at,
  };
  const change = household && householdChange(ctx, caller, lead, household, body, directory);
  try {
    await ctx.store.updateLead(
      lead,
      next,
      { action: 'LEAD_VERIFIED', by: caller.personId, at, detail: { outcome: body.outcome, caseId } },
      undefined,
      change,
    );
  } catch (error) {
    if (error instanceof ConflictError && error.reason === 'VERSION') {
      throw new CaseError('CONFLICT', '该线索或该户刚被他人修改，请刷新后重试', undefined, { leadId });
    }
    throw error;
  }
  return next;
}
