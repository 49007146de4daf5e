/**
 * 部门筛查 of one district and month: every row of every department's file matched by the HMAC of its
 * ID number against the registry's members and the open applications' applicants, read by the rules
 * of `#domain/screening`, and merged into leads per household. The same files give the same result:
 * the run is a function of its inputs, and each lead's id is derived from what it is about.
 */
import { createHash } from 'node:crypto';
import type { CellError, Department, ExtractRow } from '#domain/department-extracts';
import {
  DEFAULT_SCREENING_RULES,
  type Grade,
  isSuppressed,
  type LeadDraft,
  mergeHits,
  type ScreeningRules,
  type Subject,
  screenRow,
  UNREGISTERED,
  type VerificationOutcome,
} from '#domain/screening';
import type { ExtractRowRead } from './extract-files.ts';

/** Who an ID hash belongs to: a registered member's household, or an open application's applicant. */
export interface Registered {
  /** the household's id, or `A#<applicationId>` for an applicant outside the registry */
  subjectKey: string;
  village: string;
  subject: Subject;
}

export interface ScreeningIndex {
  /** the household or application an ID-number HMAC belongs to */
  find(idHash: string): Registered | undefined;
  /** a village of this district */
  hasVillage(code: string): boolean;
}

export interface DepartmentFile {
  department: Department;
  rows: AsyncIterable<ExtractRowRead>;
}

/** An earlier verification, for the 3-month suppression. */
export interface EarlierVerification {
  subjectKey: string;
  reasonKey: string;
  grade: Grade;
  outcome: VerificationOutcome;
  verifiedOn: string;
}

export interface ScreenedLead extends LeadDraft {
  /** derived from the district, month, subject and kind: the same files give the same ids */
  leadId: string;
  village: string;
}

export interface RegistryChangeTask {
  subjectKey: string;
  village: string;
  change: 'DEATH' | 'MOVED_OUT';
  occurredOn: string;
  department: Department;
  row: number;
}

export interface AreaEventProposal {
  disaster: 'FLOOD' | 'DROUGHT' | 'GEOLOGICAL' | 'OTHER';
  disasterLabel: string;
  occurredOn: string;
  villages: string[];
  households: number;
}

export interface DepartmentSummary {
  rows: number;
  /** every bad row is counted; the first `MAX_LISTED_ROWS` are listed with their cells */
  badRows: number;
  badRowList: { row: number; errors: CellError[] }[];
  outsideRegistry: number;
  /** rows outside the registry that named a village of the district (`村代码`), per village */
  outsideByVillage: Record<string, number>;
  hits: number;
}

export interface ScreeningResult {
  district: string;
  month: string;
  leads: ScreenedLead[];
  suppressed: number;
  registryChanges: RegistryChangeTask[];
  areaProposals: AreaEventProposal[];
  departments: Partial<Record<Department, DepartmentSummary>>;
}

export const MAX_LISTED_ROWS = 1000;

/** A lead's id: its village first (found without an index), then what it is about, so a rerun finds it. */
export const leadIdOf = (
  village: string,
  month: string,
  subjectKey: string,
  kind: LeadDraft['kind'],
): string =>
  `${village}-L${month.replace('-', '')}-${createHash('sha256').update(`${month}|${subjectKey}|${kind}`).digest('hex').slice(0, 16)}`;

function summaryFor(summaries: ScreeningResult['departments'], department: Department): DepartmentSummary {
  summaries[department] ??= {
    rows: 0,
    badRows: 0,
    badRowList: [],
    outsideRegistry: 0,
    outsideByVillage: {},
    hits: 0,
  };
  return summaries[department]!;
}

/**
 * Screens a district's month. `hash` is the registry's ID-number HMAC; `earlier` the verifications
 * that may keep a lead quiet; `today` the business date the run is made on.
 */
export async function screenMonth(input: {
  district: string;
  month: string;
  today: string;
  files: Iterable<DepartmentFile> | AsyncIterable<DepartmentFile>;
  index: ScreeningIndex;
  hash: (idNumber: string) => string;
  earlier?: readonly EarlierVerification[];
  rules?: ScreeningRules;
}): Promise<ScreeningResult> {
  const rules = input.rules ?? DEFAULT_SCREENING_RULES;
  const departments: ScreeningResult['departments'] = {};
  const hits: Parameters<typeof mergeHits>[0][number][] = [];
  const villages = new Map<string, string>();
  const registryChanges: RegistryChangeTask[] = [];
  const proposals = new Map<string, AreaEventProposal>();

  for await (const file of input.files) {
    const summary = summaryFor(departments, file.department);
    for await (const { row, reading } of file.rows) {
      summary.rows++;
      if (!reading.ok) {
        summary.badRows++;
        if (summary.badRowList.length < MAX_LISTED_ROWS)
          summary.badRowList.push({ row, errors: reading.errors });
        continue;
      }
      const extract = reading.row;
      if (extract.department === 'EMERGENCY') {
        if (!input.index.hasVillage(extract.village)) {
          summary.outsideRegistry++;
          continue;
        }
        const key = `${extract.disasterLabel}|${extract.occurredOn}`;
        const proposal = proposals.get(key) ?? {
          disaster: extract.disaster,
          disasterLabel: extract.disasterLabel,
          occurredOn: extract.occurredOn,
          villages: [],
          households: 0,
        };
        if (!proposal.villages.includes(extract.village)) proposal.villages.push(extract.village);
        proposal.households += extract.households;
        proposals.set(key, proposal);
        continue;
      }
      const found = input.index.find(input.hash(extract.idNumber));
      if (!found) {
        summary.outsideRegistry++;
        if (reading.village && input.index.hasVillage(reading.village)) {
          summary.outsideByVillage[reading.village] = (summary.outsideByVillage[reading.village] ?? 0) + 1;
        }
        continue;
      }
      const subject = found.subjectKey.startsWith('A#') ? UNREGISTERED : found.subject;
      for (const finding of screenRow(
        extract as Exclude<ExtractRow, { department: 'EMERGENCY' }>,
        subject,
        input.month,
        rules,
      )) {
        if (finding.kind === 'REGISTRY_CHANGE') {
          registryChanges.push({
            subjectKey: found.subjectKey,
            village: found.village,
            change: finding.change,
            occurredOn: finding.occurredOn,
            department: file.department,
            row,
          });
          continue;
        }
        summary.hits++;
        villages.set(found.subjectKey, found.village);
        hits.push({ subjectKey: found.subjectKey, hit: finding });
      }
    }
  }

  const earlier = new Map<string, EarlierVerification[]>();
  for (const e of input.earlier ?? []) earlier.set(e.subjectKey, [...(earlier.get(e.subjectKey) ?? []), e]);
  let suppressed = 0;
  const leads: ScreenedLead[] = [];
  for (const lead of mergeHits(hits)) {
    if (isSuppressed(lead, earlier.get(lead.subjectKey) ?? [], input.today, rules)) {
      suppressed++;
      continue;
    }
    const village = villages.get(lead.subjectKey)!;
    leads.push({ ...lead, leadId: leadIdOf(village, input.month, lead.subjectKey, lead.kind), village });
  }
  return {
    district: input.district,
    month: input.month,
    leads,
    suppressed,
    registryChanges,
    areaProposals: [...proposals.values()].map((p) => ({ ...p, villages: p.villages.sort() })),
    departments,
  };
}
