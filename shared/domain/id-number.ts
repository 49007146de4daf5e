/**
 * 居民身份证号码 (GB 11643-1999). Pure checks only: whether a number is well formed, its check character
 * and its birth date. The number itself is never logged; see `masking.ts` for how people see it.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

export type IdNumberCheck =
  | { valid: true; normalized: string; birthDate: string; sex: 'M' | 'F' }
  | { valid: false; reason: string };

export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

function isRealDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** Checks an 18-character ID number; a lower-case `x` is accepted and normalised. */
export function checkIdNumber(raw: string, today: Date = new Date()): IdNumberCheck {
  const normalized = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(normalized)) return { valid: false, reason: '身份证号码应为18位，前17位为数字' };
  const year = Number(normalized.slice(6, 10));
  const month = Number(normalized.slice(10, 12));
  const day = Number(normalized.slice(12, 14));
  if (year < 1900 || !isRealDate(year, month, day))
    return { valid: false, reason: '身份证号码中的出生日期无效' };
  const birth = Date.UTC(year, month - 1, day);
  if (birth > today.getTime()) return { valid: false, reason: '身份证号码中的出生日期晚于今天' };
  if (checkCharacter(normalized.slice(0, 17)) !== normalized[17]) {
    return { valid: false, reason: '身份证号码校验位不正确' };
  }
  const birthDate = `${normalized.slice(6, 10)}-${normalized.slice(10, 12)}-${normalized.slice(12, 14)}`;
  return { valid: true, normalized, birthDate, sex: Number(normalized[16]) % 2 === 1 ? 'M' : 'F' };
}

/** Full-width digits and letters (as typed by Chinese input methods) in their ASCII form. */
const halfWidth = (s: string): string =>
  s.replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g, (c) =>
    String.fromCharCode(c.charCodeAt(0) - 0xfee0),
  );

/**
 * An ID number as a department's file holds it: full-width digits, spaces and a lower-case `x`
 * normalised, and a 15-digit number of the first generation upgraded to 18 digits (GB 11643: its
 * birth year is 19YY; the check character is computed). What is left is checked as `checkIdNumber`.
 */
export function normaliseIdNumber(raw: string, today: Date = new Date()): IdNumberCheck {
  const compact = halfWidth(raw)
    .replace(/[\s\u3000]/g, '')
    .toUpperCase();
  if (/^\d{15}$/.test(compact)) {
    const first17 = `${compact.slice(0, 6)}19${compact.slice(6)}`;
    return checkIdNumber(first17 + checkCharacter(first17), today);
  }
  return checkIdNumber(compact, today);
}
