/**
 * The daily watch over 核实时限: an open lead past its due day reminds its village once, and five
 * working days past it (red) escalates once to the township (EventBridge Scheduler on AWS, the local
 * scheduler at each new business day locally). Each lead's reminder is written with its message.
 */
import { businessDate } from '#domain/calendar';
import { type Lead, reasonText } from '#domain/lead';
import { peopleFor } from '#domain/scope';
import { deadlineColour } from '#domain/time-limits';
import { compose } from '#notify/messages';
import { parseHouseholdId } from '#store/identity';
import { ConflictError } from '#store/store';
import { calendarData } from '../configuration.ts';
import type { CaseContext } from '../context.ts';
import { leadsLinkFor } from './lead-links.ts';

const reasonsOf = (lead: Lead) => lead.reasons.map(reasonText).join('；');

export async function watchLeads(ctx: CaseContext): Promise<{ reminded: number; escalated: number }> {
  const directory = await ctx.store.getDirectory();
  const today = businessDate(ctx.clock.now());
  const extra = await calendarData(ctx);
  let reminded = 0;
  let escalated = 0;
  for (const village of directory.villages) {
    for (const lead of await ctx.store.listLeads(village.code, { status: 'OPEN' })) {
      const colour = deadlineColour(lead.dueOn, today, extra);
      const action =
        colour === 'RED' && !lead.escalatedOn
          ? 'ESCALATE'
          : colour !== 'GREEN' && colour !== 'YELLOW' && !lead.remindedOn
            ? 'REMIND'
            : undefined;
      if (!action) continue;
      const id = parseHouseholdId(lead.subjectKey);
      const household = id ? await ctx.store.getHousehold(id.village, id.idHash) : undefined;
      const params = {
        subject: household?.head ? `${household.head.name}户` : '在办申请人',
        reasons: reasonsOf(lead),
        dueOn: lead.dueOn,
        village: village.name,
      };
      const messages =
        action === 'REMIND'
          ? peopleFor(directory.people, 'VILLAGE_COMMITTEE', 'village', village.code).map((p) =>
              compose('LEAD_OVERDUE', p, village.code, params, leadsLinkFor(ctx, p, village.code)),
            )
          : peopleFor(directory.people, 'TOWNSHIP_REVIEWER', 'township', village.code).map((p) =>
              compose('LEAD_ESCALATION', p, village.code, params),
            );
      const at = ctx.clock.nowIso();
      try {
        await ctx.store.updateLead(
          lead,
          {
            ...lead,
            // an escalation stands for the reminder too: a lead found red at once is not reminded after
            ...(action === 'REMIND'
              ? { remindedOn: today }
              : { escalatedOn: today, remindedOn: lead.remindedOn ?? today }),
            version: lead.version + 1,
            updatedAt: at,
          },
          {
            action: action === 'REMIND' ? 'LEAD_REMINDED' : 'LEAD_ESCALATED',
            by: 'system',
            at,
            detail: { dueOn: lead.dueOn },
          },
          messages,
        );
        if (action === 'REMIND') reminded++;
        else escalated++;
      } catch (error) {
        // verified or changed meanwhile: tomorrow's watch sees it as it is
        if (!(error instanceof ConflictError && error.reason === 'VERSION')) throw error;
      }
    }
  }
  return { reminded, escalated };
}
