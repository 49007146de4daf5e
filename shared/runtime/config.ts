/**
 * Everything a function reads from its environment, in one place. On AWS the CDK stack sets these; the
 * local runtime sets the same names before it loads any handler, so functions never know where they run.
 */

import type { EliminationRules } from '#domain/elimination';
import { DEFAULT_MONITORING_LINES, type MonitoringLine } from '#domain/monitoring-line';
import type { VisitRules } from '#domain/visits';

export interface ChainConfig {
  /** 村民小组评议 is its own level in this district (Anhui dropped it from 2024) */
  groupReview: boolean;
}

function json<T>(name: string, fallback: T): T {
  const raw = process.env[name];
  return raw ? (JSON.parse(raw) as T) : fallback;
}

export const config = {
  get tableName(): string {
    return process.env.TABLE_NAME ?? 'fangfan';
  },
  get bucketName(): string {
    return process.env.BUCKET_NAME ?? 'fangfan-documents';
  },
  get stateMachineArn(): string {
    return process.env.STATE_MACHINE_ARN ?? '';
  },
  /** 风险消除: the second workflow */
  get eliminationStateMachineArn(): string {
    return process.env.ELIMINATION_STATE_MACHINE_ARN ?? '';
  },
  /** 监测范围 per year and region: the seed's default plus the configured years (`MONITORING_LINES`). */
  get monitoringLines(): MonitoringLine[] {
    return [...DEFAULT_MONITORING_LINES, ...json<MonitoringLine[]>('MONITORING_LINES', [])];
  },
  /** Elimination thresholds (DOMAIN.md, Risk elimination); defaults in `#domain/elimination`. */
  get eliminationRules(): Partial<EliminationRules> {
    return json('ELIMINATION_RULES', {});
  },
  /** Follow-up visit interval and the concentrated inspection period; defaults in `#domain/visits`. */
  get visitRules(): Partial<VisitRules> {
    return json('VISIT_RULES', {});
  },
  /** Base URL of the public HTTP API, used in approval links. */
  get publicBaseUrl(): string {
    return (process.env.PUBLIC_BASE_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
  },
  get localMode(): boolean {
    return process.env.FANGFAN_LOCAL === '1';
  },
  /** Per-district chain switches, keyed by 6-digit district code; districts not listed use `default`. */
  chainFor(villageCode: string): ChainConfig {
    const all = json<Record<string, ChainConfig>>('CHAIN_CONFIG', {});
    return all[villageCode.slice(0, 6)] ?? all.default ?? { groupReview: true };
  },
  /** How long an approval link stays usable after it is issued (seconds). */
  get linkTtlSeconds(): number {
    return Number(process.env.LINK_TTL_SECONDS ?? 30 * 86_400);
  },
  /** Publicity length and counting rule (DOMAIN.md, Publicity). */
  get publicity(): { days: number; countPostingDay: boolean; calendarDays: boolean } {
    return json('PUBLICITY_CONFIG', { days: 5, countPostingDay: false, calendarDays: false });
  },
  /** Reminders and escalations of an overdue human step before the case lapses. */
  get escalations(): number {
    return Number(process.env.ESCALATIONS ?? 2);
  },
  /** Notification channels to use besides the outbox, e.g. `["wecom","sms"]`. */
  get notifyChannels(): string[] {
    return json<string[]>('NOTIFY_CHANNELS', []);
  },
  get wecomWebhookUrl(): string | undefined {
    return process.env.WECOM_WEBHOOK_URL;
  },
};
