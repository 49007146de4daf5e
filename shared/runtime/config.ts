/**
 * Everything a function reads from its environment, in one place. On AWS the CDK stack sets these
 * from the function's manifest entry (`infra/manifest.ts`); the local twin runs each function with
 * exactly the environment synthesized for it. A deployment setting that is missing fails loudly,
 * naming the variable and the function — never an empty string or a guess.
 *
 * Policy settings (chain switches, lines, rules) are optional: their defaults are DOMAIN.md's, kept
 * beside the rule that reads them.
 */

import type { CalendarData } from '#domain/calendar';
import type { EliminationRules } from '#domain/elimination';
import type { MeetingGroup } from '#domain/meeting';
import { DEFAULT_MONITORING_LINES, type MonitoringLine } from '#domain/monitoring-line';
import type { VisitRules } from '#domain/visits';

export interface ChainConfig {
  /** 村民小组评议 is its own level in this district (Anhui dropped it from 2024) */
  groupReview: boolean;
  /** the groups a 村级评议 meeting record must name attendees of (default all four) */
  meetingGroups?: MeetingGroup[];
}

export class MissingSetting extends Error {
  override name = 'MissingSetting';
  constructor(readonly variable: string) {
    super(
      `function ${process.env.FANGFAN_FUNCTION ?? process.env.AWS_LAMBDA_FUNCTION_NAME ?? '(unknown)'} has no setting ${variable}: add what it needs to its entry in infra/manifest.ts`,
    );
  }
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new MissingSetting(name);
  return value;
}

function json<T>(name: string, fallback: T): T {
  const raw = process.env[name];
  if (!raw) return fallback;
  try {
    return JSON.parse(raw) as T;
  } catch {
    throw new Error(`setting ${name} is not valid JSON`);
  }
}

function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`setting ${name} must be a number ≥ 0: ${raw}`);
  return value;
}

/**
 * Fails at a function's start when a setting it was deployed to need (`FANGFAN_SETTINGS`, derived
 * from its manifest entry) is missing or empty, naming it.
 */
export function assertConfigured(): void {
  for (const name of (process.env.FANGFAN_SETTINGS ?? '').split(',').filter(Boolean)) required(name);
  if ((process.env.FANGFAN_SETTINGS ?? '').includes('NOTIFY_CHANNELS')) void config.notifyChannels;
}

export const config = {
  get tableName(): string {
    return required('TABLE_NAME');
  },
  get bucketName(): string {
    return required('BUCKET_NAME');
  },
  /** the origin that streams commitment scans (the commitment-scan function's URL) */
  get commitmentScanUrl(): string {
    return required('COMMITMENT_SCAN_URL');
  },
  get stateMachineArn(): string {
    return required('STATE_MACHINE_ARN');
  },
  /** 风险消除: the second workflow */
  get eliminationStateMachineArn(): string {
    return required('ELIMINATION_STATE_MACHINE_ARN');
  },
  /** the KMS key personal data is encrypted under (field level, `#runtime/field-crypto`) */
  get dataKeyArn(): string {
    return required('DATA_KEY_ARN');
  },
  /** Secrets Manager ARNs: the master key and each webhook channel's secret */
  get keysSecretArn(): string {
    return required('KEYS_SECRET_ARN');
  },
  channelSecretArn(channel: 'hotline' | 'mini-program'): string {
    return required(channel === 'hotline' ? 'HOTLINE_SECRET_ARN' : 'MINIPROGRAM_SECRET_ARN');
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
  /** Where staff sign in: the OIDC issuer and the console's client id (`local` in the development twin). */
  get staffSignIn(): { issuer: string; clientId: string } {
    return { issuer: required('STAFF_OIDC_ISSUER'), clientId: required('STAFF_OIDC_CLIENT_ID') };
  },
  /** The token claim holding the signed-in staff member's directory person id. */
  get personIdClaim(): string {
    return required('PERSON_ID_CLAIM');
  },
  /** Base URL of the public HTTP API, used in approval links. */
  get publicBaseUrl(): string {
    return required('PUBLIC_BASE_URL').replace(/\/$/, '');
  },
  /** Per-district chain switches, keyed by 6-digit district code; districts not listed use `default`. */
  chainFor(villageCode: string): ChainConfig {
    const all = json<Record<string, ChainConfig>>('CHAIN_CONFIG', {});
    return all[villageCode.slice(0, 6)] ?? all.default ?? { groupReview: true };
  },
  /** How long an approval link stays usable after it is issued (seconds). */
  get linkTtlSeconds(): number {
    return positiveNumber('LINK_TTL_SECONDS', 30 * 86_400);
  },
  /** Publicity length and counting rule (DOMAIN.md, Publicity). */
  get publicity(): { days: number; countPostingDay: boolean; calendarDays: boolean } {
    return json('PUBLICITY_CONFIG', { days: 5, countPostingDay: false, calendarDays: false });
  },
  /** Reminders and escalations of an overdue human step before the case lapses. */
  get escalations(): number {
    return positiveNumber('ESCALATIONS', 2);
  },
  /** Holiday data packaged with a deployment, beside the years configured in the table. */
  get calendarData(): CalendarData {
    return json<CalendarData>('CALENDAR_DATA', {} as CalendarData);
  },
  /** How people are told: any of `sms`, `tencent-sms`, `wecom-app`, `wecom`. The sender needs one. */
  get notifyChannels(): string[] {
    const channels = json<string[]>('NOTIFY_CHANNELS', []);
    if (channels.length === 0) throw new MissingSetting('NOTIFY_CHANNELS');
    return channels;
  },
  get wecomWebhookUrl(): string {
    return required('WECOM_WEBHOOK_URL');
  },
  /** the WeCom application's `{"corpId", "agentId", "secret"}`, in Secrets Manager */
  get wecomAppSecretArn(): string {
    return required('WECOM_APP_SECRET_ARN');
  },
  /** the SMS provider's account and registered templates (`tencent-sms`), in Secrets Manager */
  get smsProviderSecretArn(): string {
    return required('SMS_PROVIDER_SECRET_ARN');
  },
  /** Tencent Cloud SMS's API (a stand-in on a test machine) */
  get tencentSmsEndpoint(): string {
    return process.env.TENCENT_SMS_ENDPOINT || 'https://sms.tencentcloudapi.com';
  },
  /** WeCom's API (a stand-in on a test machine) */
  get wecomApiBase(): string {
    return (process.env.WECOM_API_BASE || 'https://qyapi.weixin.qq.com').replace(/\/$/, '');
  },
  /** How long a container keeps the directory before reading it again (seconds). */
  get directoryCacheSeconds(): number {
    return positiveNumber('DIRECTORY_CACHE_SECONDS', 30);
  },
  /** Local test hooks (injected faults) are honoured only inside the local twin. */
  get localTestHooks(): { faults?: string } | undefined {
    if (process.env.FANGFAN_LOCAL !== '1') return undefined;
    return { faults: process.env.FANGFAN_FAULTS };
  },
};
