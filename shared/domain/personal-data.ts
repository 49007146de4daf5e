/**
 * Which stored values are personal data and so are kept encrypted at rest (DESIGN.md, Data): ID
 * numbers, phones and health details wherever they sit, and any free text in which someone typed
 * an ID number or a mobile number. One rule for every item the store writes.
 */
import { holdsPersonalData, isSealed, maskIdNumber, maskPhone, maskText } from './masking.ts';

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
  /^(PK|SK|GSI\d*(PK|SK)|pk|sk|type|status|stage|kind|version|ttl|id|ids|at|on|v|channel|village|group|unit|prefix|cursor|link|url)$|(Id|Ids|Hash|Hashes|hash|Key|key|Keys|Token|token|At|On|sha256|Arn|Url)$/;

/**
 * The masked form to keep beside a value's ciphertext, or undefined when the value is stored as it
 * is. `key` is the name of the attribute (or expression value) holding it.
 */
export function sealAs(key: string, value: string): string | undefined {
  if (value === '' || isSealed(value)) return undefined;
  const field = PERSONAL_FIELDS[key];
  if (field) return field(value);
  if (STRUCTURAL.test(key)) return undefined;
  return holdsPersonalData(value) ? maskText(value) : undefined;
}
