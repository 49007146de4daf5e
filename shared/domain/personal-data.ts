/**
 * Which stored values are personal data and so are kept encrypted at rest (DESIGN.md, Data): ID
 * numbers, phones and health details wherever they sit, and any free text in which someone typed
 * an ID number or a mobile number. One rule for every item the store writes.
 */
import { holdsPersonalData, isSealed, maskIdNumber, maskPhone, maskText, shown } from './masking.ts';

/** Fields that are personal by name, each with the form a reader sees instead. */
const PERSONAL_FIELDS: Record<string, (value: string) => string> = {
  idNumber: maskIdNumber,
  phone: maskPhone,
  /** 健康状况: nothing of it shows without the key */
  health: () => '*',
};

/**
 * Keys, codes, ids, hashes, tokens and times: never sealed (they are looked up, compared and shown
 * as they are, and a hex hash can look like a run of digits).
 */
const STRUCTURAL =
  /^(PK|SK|GSI\d*(PK|SK)|pk|sk|type|status|stage|kind|version|ttl|id|ids|at|on|v|channel|code|village|villages|township|district|group|unit|prefix|cursor|link|url|approvers|notified|path)$|(Id|Ids|Hash|Hashes|hash|Key|key|Keys|Token|token|At|At|On|sha256|Arn|Url|Link)$/;

/** Keys, codes, ids, hashes, tokens, times and addresses: kept as they are, never masked or sealed. */
export const isStructuralKey = (key: string): boolean => STRUCTURAL.test(key);

/**
 * The masked form to keep beside a value's ciphertext, or undefined when the value is stored as it
 * is. `key` is the name of the attribute (or expression value) holding it.
 */
export function sealAs(key: string, value: string): string | undefined {
  if (value === '' || isSealed(value)) return undefined;
  const field = PERSONAL_FIELDS[key];
  if (field) return field(value);
  if (isStructuralKey(key)) return undefined;
  return holdsPersonalData(value) ? maskText(value) : undefined;
}

/**
 * What a reader is given of a record or a response: every value sealed at rest by its masked form,
 * and any other text (a view echoing what came in) with ID numbers and phones masked; keys, ids and
 * addresses as they are. An array's items go by the array's key.
 */
export function maskedForReaders(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    if (isSealed(value)) return shown(value);
    // health details are shown where a view revealed them; ID numbers and phones never whole
    if (key === 'idNumber') return maskIdNumber(value);
    if (key === 'phone') return maskPhone(value);
    return isStructuralKey(key) ? value : maskText(value);
  }
  if (Array.isArray(value)) return value.map((v) => maskedForReaders(v, key));
  if (value && typeof value === 'object' && !(value instanceof Date))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskedForReaders(v, k)]));
  return value;
}
