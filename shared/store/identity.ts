/** ID numbers are looked up by keyed HMAC, never by the number itself (DESIGN.md, Data). */
import { createHash, createHmac } from 'node:crypto';

export const hashIdNumber = (idNumber: string, key: string): string =>
  createHmac('sha256', key).update(idNumber.toUpperCase()).digest('hex').slice(0, 40);

/** Stable hash of a request body, for idempotency (same requestId, same body → same answer). */
export const hashBody = (body: string): string => createHash('sha256').update(body).digest('hex');
