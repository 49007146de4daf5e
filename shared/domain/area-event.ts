/**
 * 区域性风险事件 (DOMAIN.md, Area events; 防止规模性返贫): a flood, a drought, a price collapse… declared
 * for some villages. Every registered household there gets a verification lead — the vulnerable ones
 * first — and the event closes, with a summary, once every lead is verified.
 */
import type { Grade, Subject } from './screening.ts';

export const AREA_EVENT_KINDS = {
  FLOOD: '洪涝灾害',
  DROUGHT: '旱灾',
  GEOLOGICAL: '地质灾害',
  EPIDEMIC: '疫情',
  PRICE_COLLAPSE: '农产品价格大幅下跌',
  UNEMPLOYMENT: '务工人员大量失业返乡',
  INDUSTRY_FAILURE: '产业项目失败',
  OTHER: '其他',
} as const;
export type AreaEventKind = keyof typeof AREA_EVENT_KINDS;
export const AREA_EVENT_KIND_CODES = Object.keys(AREA_EVENT_KINDS) as [AreaEventKind, ...AreaEventKind[]];

export interface AreaEvent {
  /** begins with the district's code */
  eventId: string;
  district: string;
  kind: AreaEventKind;
  villages: string[];
  occurredOn: string;
  description: string;
  declaredBy: string;
  declaredAt: string;
  /** how many leads it raised */
  leads: number;
  status: 'OPEN' | 'CLOSED';
  summary?: string;
  closedBy?: string;
  closedAt?: string;
  version: number;
}

/** Monitored, 脱贫户 and 边缘易致贫户 households first (grade 2); other households grade 3. */
export const areaEventGrade = (subject: Subject): Grade =>
  subject.monitored || subject.householdType === 'LIFTED' || subject.householdType === 'MARGINAL' ? 2 : 3;
