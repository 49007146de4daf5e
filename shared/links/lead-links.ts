/**
 * A village cadre's personal link to the village's open leads: `<base>/lead-links/<village>?t=<token>`.
 * The token binds the village and the person and expires; GET only shows, so a scanner opening the
 * link first changes nothing.
 */
import { personalToken, personOfToken } from './personal-links.ts';

export const villageLeadsLink = (
  base: string,
  input: { village: string; personId: string; expiresAt: string },
  key: string,
): string =>
  `${base}/lead-links/${input.village}?t=${personalToken({ claim: 'v', value: input.village }, input.personId, input.expiresAt, key)}`;

/** The person's id, or 403 BAD_LINK / 410 LINK_EXPIRED. */
export const verifyVillageLeadsToken = (
  token: string | undefined,
  village: string,
  key: string,
  now: Date,
): string =>
  personOfToken(token, { claim: 'v', value: village }, key, now, {
    bad: '核实链接无效或不属于此村',
    expired: '核实链接已过期',
  });
