/**
 * The staff caller: the directory person named by the signed-in token's `PERSON_ID_CLAIM` claim, as the
 * HTTP API's JWT authorizer (or the local gateway standing in for it) passes the claims on.
 */
import { config } from '#runtime/config';
import { HttpError } from './errors.ts';
import type { HttpEvent } from './responses.ts';

export function callerId(event: HttpEvent): string {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } })
    .authorizer?.jwt?.claims;
  const personId = claims?.[config.personIdClaim];
  if (typeof personId !== 'string') throw new HttpError('UNAUTHORIZED', '需要登录');
  return personId;
}
