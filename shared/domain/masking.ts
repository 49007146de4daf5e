/**
 * Masking of personal data wherever a person or a log reads it (DOMAIN.md, Identifiers), and how a
 * sealed value (encrypted at rest, `#runtime/field-crypto`) shows: only its masked form.
 *
 * Only the first six (the area) and the last four characters of an ID number stay visible; of a
 * mobile number the first three and the last four.
 */

/**
 * A value encrypted at rest: `pii:1:<ciphertext, base64url>:<masked form>`. The masked form rides
 * along so that reading it needs no key; only the paths that need the whole value decrypt.
 */
export const SEALED_PREFIX = 'pii:1:';

export const isSealed = (value: unknown): boolean =>
  typeof value === 'string' && value.startsWith(SEALED_PREFIX);

export function sealedToken(ciphertext: string, masked: string): string {
  return `${SEALED_PREFIX}${ciphertext}:${masked}`;
}

/** The ciphertext and masked form of a sealed value. */
export function sealedParts(token: string): { ciphertext: string; masked: string } | undefined {
  if (!token.startsWith(SEALED_PREFIX)) return undefined;
  const rest = token.slice(SEALED_PREFIX.length);
  const colon = rest.indexOf(':');
  return colon < 0 ? undefined : { ciphertext: rest.slice(0, colon), masked: rest.slice(colon + 1) };
}

/** What a reader sees of a value: a sealed one by its masked form, anything else as it is. */
export const shown = (value: string): string => sealedParts(value)?.masked ?? value;

export function maskIdNumber(idNumber: string): string {
  if (isSealed(idNumber)) return shown(idNumber);
  const id = toHalfWidth(idNumber).replace(SEPARATORS_G, '');
  if (id.length < 10) return '*'.repeat(id.length);
  return `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`;
}

export function maskPhone(phone: string): string {
  if (isSealed(phone)) return shown(phone);
  const digits = toHalfWidth(phone)
    .replace(SEPARATORS_G, '')
    .replace(/^\+?86(?=1\d{10}$)/, '');
  if (digits.length < 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/** Full-width digits, plus and hyphen (what a Chinese IME types) as their ASCII forms, one for one. */
export function toHalfWidth(text: string): string {
  return text.replace(/[\uFF10-\uFF19\uFF0B\uFF0D\u3000\uFF38\uFF58]/g, (c) =>
    c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0),
  );
}

/** what people put between the digits of a number they type: spaces, hyphens, dots */
const SEP = '[ \\u00A0\\u3000\\-\\u2010\\u2011\\u2012\\u2013\\uFF0D.]';
const SEPARATORS_G = new RegExp(SEP, 'g');
const D = '[0-9\\uFF10-\\uFF19]';
const X = '[0-9Xx\\uFF10-\\uFF19\\uFF38\\uFF58]';
/** 18-digit ID numbers (and the old 15-digit ones), with at most one separator between digits */
const ID_18 = new RegExp(
  `(?<![0-9\\uFF10-\\uFF19])${D}(?:${SEP}?${D}){16}${SEP}?${X}(?![0-9Xx\\uFF10-\\uFF19])`,
  'g',
);
const ID_15 = new RegExp(`(?<![0-9\\uFF10-\\uFF19])${D}(?:${SEP}?${D}){14}(?![0-9\\uFF10-\\uFF19])`, 'g');
/** mobile numbers, with or without +86 and separators */
const MOBILE = new RegExp(
  `(?<![0-9\\uFF10-\\uFF19])(?:[+\\uFF0B]?(?:8|\\uFF18)(?:6|\\uFF16)${SEP}?)?(?:1|\\uFF11)${SEP}?[3-9\\uFF13-\\uFF19](?:${SEP}?${D}){9}(?![0-9\\uFF10-\\uFF19])`,
  'g',
);

/** Fangfan's own ids in text (application UUIDs, household ids) are digits and hyphens too: kept. */
const OWN_IDS =
  /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{12}-[0-9a-f]{40}|[0-9a-f]{32,}|\d{12}-(?=[0-9A-Z]*[A-Z])[0-9A-Z]{10,40}|\d{9}-\d{4}-[0-9A-F]{4}(?![0-9A-Za-z]))/i;

/** The text's parts outside Fangfan's own ids, with what to do with each. */
function outsideOwnIds(text: string, each: (part: string) => string): string {
  return text
    .split(OWN_IDS)
    .map((part, i) => (i % 2 === 1 ? part : each(part)))
    .join('');
}

/** Whether free text holds an ID number or a mobile number in any of the ways people write them. */
export function holdsPersonalData(text: string): boolean {
  return maskText(text) !== text;
}

/** Masks every ID number and mobile number found in free text (reasons, comments, log lines). */
export function maskText(text: string): string {
  if (isSealed(text)) return shown(text);
  return outsideOwnIds(text, (part) =>
    part
      .replace(ID_18, (id) => maskIdNumber(id))
      .replace(ID_15, (id) => maskIdNumber(id))
      .replace(MOBILE, (phone) => maskPhone(phone)),
  );
}

/** An objector's name: the family name and one mark per further character (张*, 欧阳**). */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  return chars.length <= 1 ? chars.join('') : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}
