/**
 * Masking of personal data wherever a person or a log reads it (DOMAIN.md, Identifiers).
 * Only the first six (the area) and the last four characters of an ID number stay visible.
 */
export function maskIdNumber(idNumber: string): string {
  if (idNumber.length < 10) return '*'.repeat(idNumber.length);
  return `${idNumber.slice(0, 6)}${'*'.repeat(idNumber.length - 10)}${idNumber.slice(-4)}`;
}

export function maskPhone(phone: string): string {
  if (phone.length < 7) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

const ID_PATTERN = /(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)/g;
const MOBILE_PATTERN = /(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g;

/** Masks every ID number and mobile number found in free text (reasons, comments, log lines). */
export function maskText(text: string): string {
  return text.replace(ID_PATTERN, '$1********$2').replace(MOBILE_PATTERN, '$1****$2');
}

/** An objector's name: the family name and one mark per further character (张*, 欧阳**). */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  return chars.length <= 1 ? chars.join('') : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}
