/**
 * Everything a function reads from its environment, in one place. On AWS the CDK stack sets these; the
 * local runtime sets the same names before it loads any handler, so functions never know where they run.
 */

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
