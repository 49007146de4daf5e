/** Who a staff API call is from: the directory person behind the token's claims. */
import type { CaseContext } from '#cases/context';
import type { Directory, Person } from '#domain/directory';
import { HttpError } from './errors.ts';
import type { HttpEvent } from './responses.ts';
import { callerId } from './staff-auth.ts';

export async function staffCaller(
  ctx: Pick<CaseContext, 'store'>,
  event: HttpEvent,
): Promise<{ caller: Person; directory: Directory }> {
  const personId = callerId(event);
  const directory = await ctx.store.getDirectory();
  const caller = directory.people.find((p) => p.personId === personId);
  if (!caller) throw new HttpError('FORBIDDEN', '无权访问');
  return { caller, directory };
}
