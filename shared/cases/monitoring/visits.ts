/**
 * 跟踪走访 (DOMAIN.md, Dynamic management): visit records through the signed webhook, the overdue
 * list, and the daily watch that reminds contact persons. A visit that finds a new risk in a
 * 风险消除 household starts its re-marking (风险再标注) as a new identification.
 */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { businessDate } from '#domain/calendar';
import type { Household, Visit } from '#domain/household';
import { netIncomeFen, toYuan } from '#domain/income';
import { covers, peopleFor } from '#domain/scope';
import { DEFAULT_VISIT_RULES, VISIT_KINDS, visitDue } from '#domain/visits';
import { compose } from '#notify/messages';
import { config } from '#runtime/config';
import { logger } from '#runtime/logger';
import type { visitRequest } from '#schemas/registry';
import { householdIdOf } from '#store/identity';
import { ConflictError } from '#store/store';
import type { CaseContext } from '../context.ts';
import { CaseError, validationFailed } from '../errors.ts';
import { oncePerRequest } from '../idempotency.ts';
import { openCase } from '../identification/intake.ts';
import type { VerifiedWebhook } from '../requests.ts';
import { mustGetHousehold } from './households.ts';

const rules = () => ({ ...DEFAULT_VISIT_RULES, ...config.visitRules });

/** What recording a visit answers; `remarking` when a new risk of an eliminated household opened 风险再标注. */
export interface RecordedVisit {
  visitId: string;
  householdId: string;
  remarking?: unknown;
}

export async function recordVisit(
  ctx: CaseContext,
  webhook: VerifiedWebhook,
  body: z.infer<typeof visitRequest>,
  rawBody: string,
): Promise<RecordedVisit> {
  const household = await mustGetHousehold(ctx, body.householdId);
  if (!household.monitoring) throw new CaseError('CONFLICT', '该户不是监测对象');
  const directory = await ctx.store.getDirectory();
  const visitor = directory.people.find((p) => p.personId === body.visitorPersonId);
  if (!visitor) throw validationFailed([{ path: 'visitorPersonId', message: '走访人不在人员名录中' }]);
  if (!covers(visitor, household.village))
    throw validationFailed([{ path: 'visitorPersonId', message: '走访人不负责本村' }]);
  if (body.visitedOn > businessDate(ctx.clock.now())) {
    throw validationFailed([{ path: 'visitedOn', message: '走访日期不能晚于今天' }]);
  }
  const answer = await oncePerRequest<RecordedVisit>(
    ctx.store,
    webhook,
    body.requestId,
    rawBody,
    async (receipt) => {
      let recorded: RecordedVisit | undefined;
      for (let attempt = 0; !recorded; attempt++) {
        const current = attempt === 0 ? household : await mustGetHousehold(ctx, body.householdId);
        const m = current.monitoring!;
        const visit: Visit = {
          visitId: `VI${Date.now().toString(36).toUpperCase()}${randomBytes(3).toString('hex')}`,
          householdId: body.householdId,
          kind: body.kind,
          visitor: { personId: visitor.personId, name: visitor.name },
          visitedOn: body.visitedOn,
          findings: body.findings,
          newRiskTypes: body.newRiskTypes,
          recordedAt: ctx.clock.nowIso(),
        };
        const later = (a: string | undefined, b: string) => (a && a > b ? a : b);
        const next: Household = {
          ...current,
          monitoring: {
            ...m,
            lastVisitOn: later(m.lastVisitOn, body.visitedOn),
            ...(body.kind === 'CONCENTRATED'
              ? { lastConcentratedOn: later(m.lastConcentratedOn, body.visitedOn) }
              : {}),
          },
          version: (current.version ?? 0) + 1,
          updatedAt: visit.recordedAt,
        };
        const response: RecordedVisit = { visitId: visit.visitId, householdId: body.householdId };
        try {
          await ctx.store.recordVisit(
            visit,
            {
              previous: current,
              next,
              audit: {
                action: 'VISIT_RECORDED',
                by: visitor.personId,
                at: visit.recordedAt,
                detail: { visitId: visit.visitId, kind: body.kind, newRiskTypes: body.newRiskTypes },
              },
              // told once, with the visit, not again on a redelivery
              messages:
                body.newRiskTypes.length && household.monitoring?.status === 'MONITORED'
                  ? peopleFor(directory.people, 'VILLAGE_COMMITTEE', 'village', household.village).map((p) =>
                      compose(
                        'NEW_RISK_FOUND',
                        { personId: p.personId, name: p.name, phone: p.phone },
                        household.village,
                        { head: household.head?.name },
                      ),
                    )
                  : [],
            },
            receipt(response),
          );
          recorded = response;
        } catch (error) {
          if (!(error instanceof ConflictError && error.reason === 'VERSION' && attempt < 5)) throw error;
        }
      }
      return recorded;
    },
  );
  if (body.newRiskTypes.length === 0) return answer;
  if (household.monitoring.status === 'RISK_ELIMINATED') {
    return { ...answer, remarking: await startRemarking(ctx, webhook, household, body) };
  }
  return answer;
}

/** 风险再标注: a new identification of the eliminated household, through the application chain. */
async function startRemarking(
  ctx: CaseContext,
  webhook: VerifiedWebhook,
  household: Household,
  body: z.infer<typeof visitRequest>,
) {
  const directory = await ctx.store.getDirectory();
  const village = directory.villages.find((v) => v.code === household.village)!;
  const head = household.head!;
  const income = [...(household.incomes ?? [])].sort((a, b) => b.year - a.year)[0];
  return openCase(
    ctx,
    { channel: webhook.channel, by: body.visitorPersonId, knownIdHash: household.idHash },
    {
      village: household.village,
      group:
        household.group && village.groups.includes(household.group) ? household.group : village.groups[0]!,
      applicant: { name: head.name, idNumber: head.idNumber, phone: head.phone },
      reason: body.reason ?? `走访发现新风险：${body.findings.slice(0, 200)}`,
      riskTypes: body.newRiskTypes,
      declaredAnnualIncome: income ? Math.max(0, toYuan(netIncomeFen(income))) : 0,
      householdSize: household.members?.length || 1,
      callId: `visit:${householdIdOf(household.village, household.idHash)}`,
    },
  );
}

/** The monitored households of a village whose follow-up visit or concentrated inspection is due. */
export async function overdueVisits(ctx: CaseContext, village: string) {
  const today = businessDate(ctx.clock.now());
  const households = await ctx.store.listHouseholds(village);
  return households
    .filter((h) => h.monitoring?.status === 'MONITORED')
    .map((h) => ({
      household: h,
      due: visitDue({
        monitoredSince: h.monitoring!.since,
        lastVisitOn: h.monitoring!.lastVisitOn,
        lastConcentratedOn: h.monitoring!.lastConcentratedOn,
        today,
        rules: rules(),
      }),
    }))
    .filter(({ due }) => due.followUpOverdue || due.concentratedOverdue);
}

/** The daily watch: one reminder per overdue household per business day, to its contact person. */
export async function watchVisits(ctx: CaseContext): Promise<{ overdue: number; reminded: number }> {
  const today = businessDate(ctx.clock.now());
  const directory = await ctx.store.getDirectory();
  let overdue = 0;
  let reminded = 0;
  for (const village of directory.villages) {
    for (const { household, due } of await overdueVisits(ctx, village.code)) {
      overdue++;
      const m = household.monitoring!;
      if (m.visitReminderOn === today) continue;
      const to =
        m.contactPerson ?? peopleFor(directory.people, 'VILLAGE_COMMITTEE', 'village', household.village)[0];
      if (!to) continue;
      const what = due.followUpOverdue
        ? `${VISIT_KINDS.FOLLOW_UP}已超期${due.overdueDays}天`
        : `半年一次的${VISIT_KINDS.CONCENTRATED}到期`;
      try {
        await ctx.store.updateHousehold({
          previous: household,
          next: {
            ...household,
            monitoring: { ...m, visitReminderOn: today },
            version: (household.version ?? 0) + 1,
          },
          audit: { action: 'VISIT_REMINDED', by: 'system', at: ctx.clock.nowIso(), detail: { ...due } },
          messages: [
            compose(
              'VISIT_DUE',
              { personId: 'personId' in to ? to.personId : undefined, name: to.name, phone: to.phone },
              household.village,
              { village: village.name, head: household.head?.name, what },
            ),
          ],
        });
      } catch (error) {
        if (error instanceof ConflictError) continue; // changed meanwhile (a visit); tomorrow's watch decides
        throw error;
      }
      reminded++;
    }
  }
  logger.info('visit watch', { overdue, reminded });
  return { overdue, reminded };
}
