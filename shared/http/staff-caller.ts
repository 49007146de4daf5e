/** Who a staff API call is from: the directory person behind the token's claims. */
import { HttpError } from '#http/errors';
import type { HttpEvent } from '#http/responses';
import { callerId } from '#http/staff-auth';
import type { Directory, Person } from '#store/model';
import type { CaseContext } from './context.ts';

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
