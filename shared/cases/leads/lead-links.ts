/**
 * The village's leads through a cadre's personal link: who the link is for, the link each digest
 * carries, and what the page shows. A person who no longer serves the village is refused.
 */
import { businessDate } from '#domain/calendar';
import type { Person } from '#domain/directory';
import { covers } from '#domain/scope';
import { verifyVillageLeadsToken, villageLeadsLink } from '#links/lead-links';
import { config } from '#runtime/config';
import { parseHouseholdId } from '#store/identity';
import { calendarData } from '../configuration.ts';
import type { CaseContext } from '../context.ts';
import { CaseError } from '../errors.ts';
import { leadView } from './leads.ts';

const VERIFIERS = ['VILLAGE_COMMITTEE', 'GROUP_LEADER'] as const;

/** The link a digest to `person` about `village`'s leads carries. */
export const leadsLinkFor = (ctx: CaseContext, person: { personId: string }, village: string): string =>
  villageLeadsLink(
    config.publicBaseUrl,
    {
      village,
      personId: person.personId,
      expiresAt: new Date(ctx.clock.now().getTime() + config.linkTtlSeconds * 1000).toISOString(),
    },
    ctx.secrets.linkKey,
  );

/** The person a link was given to, while they still verify for its village. */
export async function openLeadsLink(
  ctx: CaseContext,
  village: string,
  token: string | undefined,
): Promise<Person> {
  const personId = verifyVillageLeadsToken(token, village, ctx.secrets.linkKey, ctx.clock.now());
  const person = (await ctx.store.getDirectory()).people.find((p) => p.personId === personId);
  if (!person || !covers(person, village, VERIFIERS))
    throw new CaseError('FORBIDDEN', '您已不再负责此村的核实');
  return person;
}

/** What the link's page shows: the village's open leads, the most urgent first. */
export async function villageLeadsPage(ctx: CaseContext, village: string) {
  const directory = await ctx.store.getDirectory();
  const today = businessDate(ctx.clock.now());
  const extra = await calendarData(ctx);
  const leads = await ctx.store.listLeads(village, { status: 'OPEN' });
  leads.sort(
    (a, b) => a.dueOn.localeCompare(b.dueOn) || a.grade - b.grade || a.leadId.localeCompare(b.leadId),
  );
  const items = [];
  for (const lead of leads) {
    const id = parseHouseholdId(lead.subjectKey);
    const household = id ? await ctx.store.getHousehold(id.village, id.idHash) : undefined;
    items.push({ ...leadView(lead, today, extra), head: household?.head?.name ?? null });
  }
  return { village, villageName: directory.villages.find((v) => v.code === village)?.name ?? village, items };
}
