/**
 * Who may see what, and who is asked or told: the one rule every scope check reads. 区划代码 nest by
 * prefix — a district's 6 digits begin its townships' 9, which begin their villages' 12 — so a role
 * whose scope is a prefix of a unit's code covers that unit.
 */

import type { Person } from './directory.ts';
import { type Role, type ScopeLevel, scopeCode } from './stages.ts';

type Staff = Pick<Person, 'roles'>;

/** Roles that manage a village's households and ledger (a group leader reads; a clerk enters). */
export const MANAGERS: readonly Role[] = ['VILLAGE_COMMITTEE', 'TOWNSHIP_REVIEWER', 'DISTRICT_FILER'];

/** The township and the district: they read a township's whole ledger and its exports. */
export const TOWNSHIP_AND_ABOVE: readonly Role[] = ['TOWNSHIP_REVIEWER', 'DISTRICT_FILER'];

/**
 * One of the person's roles (of `roles`, or any) covers `unit`: its scope is the unit or a unit above
 * it. A visitor, a contact person or a grid member "serves" a village in this sense.
 */
export const covers = (person: Staff, unit: string, roles?: readonly Role[]): boolean =>
  person.roles.some((r) => (!roles || roles.includes(r.role)) && unit.startsWith(r.scope));

/** Covers the unit, or works inside it: a village cadre reaches their township's campaigns. */
export const reaches = (person: Staff, unit: string): boolean =>
  person.roles.some((r) => unit.startsWith(r.scope) || r.scope.startsWith(unit));

/** The people holding `role` at exactly the `scope` level of a village: who decides a step, who is told. */
export function peopleFor<P extends Staff>(
  people: readonly P[],
  role: Role,
  scope: ScopeLevel,
  villageCode: string,
): P[] {
  const code = scopeCode(villageCode, scope);
  return people.filter((p) => p.roles.some((r) => r.role === role && r.scope === code));
}
