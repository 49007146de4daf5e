/**
 * The object key a commitment upload URL is issued for: `commitments/<village>/<application>/<nonce>.<mac>`,
 * the MAC binding nonce and application under an internal key. Only such a key becomes the case's
 * commitment, so nothing else written under the application's prefix can stand in for the scan.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

const mac = (applicationId: string, nonce: string, key: string) =>
  createHmac('sha256', key).update(`${applicationId}/${nonce}`).digest('hex').slice(0, 32);

export function issueCommitmentKey(village: string, applicationId: string, key: string): string {
  const nonce = randomUUID();
  return `commitments/${village}/${applicationId}/${nonce}.${mac(applicationId, nonce, key)}`;
}

/** The application an object key was issued for, or undefined for any other key. */
export function issuedCommitment(objectKey: string, key: string): { applicationId: string } | undefined {
  const match = /^commitments\/(\d{12})\/([A-Za-z0-9-]+)\/([0-9a-f-]{36})\.([0-9a-f]{32})$/.exec(objectKey);
  if (!match) return undefined;
  const [, village, applicationId, nonce, given] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (!applicationId.startsWith(`${village}-`)) return undefined;
  const expected = Buffer.from(mac(applicationId, nonce, key));
  return timingSafeEqual(expected, Buffer.from(given)) ? { applicationId } : undefined;
}
