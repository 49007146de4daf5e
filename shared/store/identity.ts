/** ID numbers are looked up by keyed HMAC, never by the number itself (DESIGN.md, Data). */
import { createHash, createHmac } from 'node:crypto';

export const hashIdNumber = (idNumber: string, key: string): string =>
  createHmac('sha256', key).update(idNumber.toUpperCase()).digest('hex').slice(0, 40);

/** Stable hash of a request body, for idempotency (same requestId, same body → same answer). */
export const hashBody = (body: string): string => createHash('sha256').update(body).digest('hex');

/** A household's id in URLs and records: its village and its head's ID hash, never the number. */
export const householdIdOf = (village: string, idHash: string): string => `${village}-${idHash}`;

export function parseHouseholdId(householdId: string): { village: string; idHash: string } | undefined {
  const match = /^(\d{12})-([0-9a-f]{40})$/.exec(householdId);
  return match ? { village: match[1]!, idHash: match[2]! } : undefined;
}
