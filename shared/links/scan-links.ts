/**
 * Links to an accepted commitment scan (承诺书扫描件): `<scan origin>/?t=<token>`. The scan function
 * streams the object with headers S3 cannot set on a presigned GET (`X-Content-Type-Options`, a
 * sandboxing CSP); the token names the exact object, the type it was checked to be and the file name,
 * and expires, as a presigned URL would.
 */
import { readToken, signToken } from './signed-token.ts';

export interface ScanClaims {
  /** the object key */
  k: string;
  /** the checked content type */
  t: string;
  /** the download's file name */
  n: string;
  /** expiry, epoch seconds (business clock) */
  e: number;
}

/**
 * The scan origin's value where a region offers no function URLs (Ningxia): the approval page then
 * presigns the object itself, with its checked type as a download.
 */
export const SCAN_LINKS_PRESIGNED = 's3-presigned';

/** How long a scan link works: the time an approver takes to open what the page shows. */
export const SCAN_LINK_SECONDS = 900;

export function scanLink(
  base: string,
  scan: { key: string; contentType: string; fileName: string },
  key: string,
  now: Date,
): string {
  const token = signToken(
    {
      k: scan.key,
      t: scan.contentType,
      n: scan.fileName,
      e: Math.floor(now.getTime() / 1000) + SCAN_LINK_SECONDS,
    } satisfies ScanClaims,
    key,
  );
  return `${base.replace(/\/$/, '')}/?t=${token}`;
}

/** The scan a token stands for, `'EXPIRED'` once it lapsed, or undefined when it is not ours. */
export function readScanLink(
  token: string | undefined,
  key: string,
  now: Date,
): ScanClaims | 'EXPIRED' | undefined {
  const claims = token ? readToken<ScanClaims>(token, key) : undefined;
  if (
    !claims ||
    typeof claims.k !== 'string' ||
    !claims.k.startsWith('commitments/') ||
    typeof claims.t !== 'string' ||
    typeof claims.n !== 'string' ||
    typeof claims.e !== 'number'
  )
    return undefined;
  return now.getTime() / 1000 > claims.e ? 'EXPIRED' : claims;
}
