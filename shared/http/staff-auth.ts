/** The staff caller: the person in the token's claims (Cognito on AWS, the local login locally). */
import { HttpError } from './errors.ts';
import type { HttpEvent } from './responses.ts';

export function callerId(event: HttpEvent): string {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } })
    .authorizer?.jwt?.claims;
  const personId = claims?.['custom:personId'] ?? claims?.personId;
  if (typeof personId !== 'string') throw new HttpError('UNAUTHORIZED', '需要登录');
  return personId;
}
