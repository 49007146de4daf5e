/** Who gets a message: people of the directory by role and scope. */
import { type Role, type ScopeLevel, scopeCode } from '#domain/stages';
import type { Person } from '#store/model';

export function peopleFor(
  people: readonly Person[],
  role: Role,
  scope: ScopeLevel,
  villageCode: string,
): Person[] {
  const code = scopeCode(villageCode, scope);
  return people.filter((p) => p.roles.some((r) => r.role === role && r.scope === code));
}
