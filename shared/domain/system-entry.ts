/**
 * 全国防止返贫监测信息系统录入: the fields a clerk types into the national system, one row per case, in
 * the order of its entry form. The batch file (XLSX and CSV) is built from these rows.
 */

import { ELIMINATION_WAYS, type EliminationWay } from './elimination.ts';
import {
  HOUSEHOLD_TYPES,
  type HouseholdType,
  MONITORING_OBJECT_TYPES,
  type MonitoringObjectType,
  RISK_TYPES,
  type RiskType,
} from './risk-types.ts';
import { neutralise } from './spreadsheet.ts';

export const SYSTEM_ENTRY_COLUMNS = [
  { key: 'operation', header: '操作类型' },
  { key: 'caseId', header: '业务编号' },
  { key: 'county', header: '县（区）代码' },
  { key: 'township', header: '乡（镇）代码' },
  { key: 'village', header: '行政村代码' },
  { key: 'villageName', header: '行政村' },
  { key: 'group', header: '村民小组' },
  { key: 'headName', header: '户主姓名' },
  { key: 'headIdNumber', header: '户主证件号码' },
  { key: 'phone', header: '联系电话' },
  { key: 'householdSize', header: '家庭人口数' },
  { key: 'householdType', header: '户类型' },
  { key: 'objectType', header: '监测对象类别' },
  { key: 'riskTypes', header: '主要风险类型' },
  { key: 'perCapitaIncome', header: '家庭人均纯收入（元）' },
  { key: 'decidedOn', header: '乡镇审核日期' },
  { key: 'eliminationWay', header: '风险消除方式' },
  { key: 'eliminationMonth', header: '风险消除年月' },
  { key: 'remarking', header: '是否风险再标注' },
] as const;
export type SystemEntryRow = Record<(typeof SYSTEM_ENTRY_COLUMNS)[number]['key'], string | number>;

export function systemEntryRow(input: {
  kind: 'IDENTIFICATION' | 'ELIMINATION';
  caseId: string;
  village: string;
  villageName?: string;
  group: string;
  head: { name: string; idNumber: string; phone: string };
  householdSize: number;
  householdType: HouseholdType;
  objectType?: MonitoringObjectType;
  riskTypes: readonly RiskType[];
  perCapitaIncome: number;
  townshipDecidedOn?: string;
  eliminationWay?: EliminationWay;
  eliminationMonth?: string;
  remarking?: boolean;
}): SystemEntryRow {
  return {
    operation: input.kind === 'IDENTIFICATION' ? '标注纳入监测' : '标注风险消除',
    caseId: input.caseId,
    county: input.village.slice(0, 6),
    township: input.village.slice(0, 9),
    village: input.village,
    villageName: input.villageName ?? '',
    group: input.group,
    headName: input.head.name,
    headIdNumber: input.head.idNumber,
    phone: input.head.phone,
    householdSize: input.householdSize,
    householdType: HOUSEHOLD_TYPES[input.householdType],
    objectType: input.objectType ? MONITORING_OBJECT_TYPES[input.objectType] : '',
    riskTypes: input.riskTypes.map((r) => RISK_TYPES[r]).join('、'),
    perCapitaIncome: input.perCapitaIncome,
    decidedOn: input.townshipDecidedOn ?? '',
    eliminationWay: input.eliminationWay ? ELIMINATION_WAYS[input.eliminationWay] : '',
    eliminationMonth: input.eliminationMonth ?? '',
    remarking: input.remarking ? '是' : '否',
  };
}

/**
 * RFC 4180 CSV with a BOM, so Excel on a township desk opens the Chinese text correctly. Text that a
 * spreadsheet would run as a formula is neutralised; the ID number is written as a text formula
 * (`="…"`, digits and X only), so Excel, WPS and LibreOffice keep all 18 characters.
 */
export function toCsv(rows: readonly SystemEntryRow[]): string {
  const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const cell = (v: string | number) => quote(typeof v === 'number' ? String(v) : neutralise(v));
  const text = (v: string | number) => (/^[0-9X]+$/.test(String(v)) ? quote(`="${v}"`) : cell(v));
  const lines = [
    SYSTEM_ENTRY_COLUMNS.map((c) => cell(c.header)).join(','),
    ...rows.map((r) =>
      SYSTEM_ENTRY_COLUMNS.map((c) =>
        (c.key === 'headIdNumber' || c.key === 'phone' ? text : cell)(r[c.key]),
      ).join(','),
    ),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
