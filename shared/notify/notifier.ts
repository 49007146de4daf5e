/**
 * The channels people are told through, as the deployment's `NOTIFY_CHANNELS` names them:
 * - `sms`: SMS through SNS, to the person's phone (aws partition);
 * - `tencent-sms`: SMS through Tencent Cloud SMS (腾讯云短信, the China regions): signed requests,
 *   the kind's registered template id and its parameters;
 * - `wecom-app`: a WeCom application message (企业微信应用消息) to the person's WeCom user id from the
 *   directory (corp id, agent id and secret in Secrets Manager);
 * - `wecom`: a WeCom group robot, which carries only what holds no personal link.
 * Only the sender (`sender.ts`) calls them; use cases write messages to the outbox.
 * The local twin receives SNS SMS at its own SNS endpoint and keeps them in `/_local/outbox`.
 */

import { maskPhone } from '#domain/masking';
import { config } from '#runtime/config';
import { logger } from '#runtime/logger';
import { type MessageKind, type Notification, templateParams } from './messages.ts';

/** A channel: whether it can bring this message to its person, and the sending. */
export interface Channel {
  /** the name in NOTIFY_CHANNELS, kept on a message once it delivered */
  readonly name: string;
  /** personal channels reach one person; a group robot reaches a group */
  readonly personal: boolean;
  reaches(notification: Notification): Promise<boolean>;
  send(notification: Notification): Promise<void>;
}

const mobile = (phone: string) => /^1\d{10}$/.test(phone);

/** WeCom group robot: posts markdown to the robot's webhook URL; never a personal link. */
export class WeComNotifier implements Channel {
  readonly name = 'wecom';
  readonly personal = false;
  constructor(
    private readonly webhookUrl: string,
    private readonly post: typeof fetch = fetch,
  ) {}
  /** digests for staff only: nothing with a link, nothing addressed to an applicant */
  async reaches(n: Notification): Promise<boolean> {
    return !n.link && Boolean(n.to.personId);
  }
  async send(n: Notification): Promise<void> {
    if (n.link) throw new Error('a WeCom group robot never carries a personal link');
    const response = await this.post(this.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ msgtype: 'markdown', markdown: { content: `**${n.to.name}**：${n.text}` } }),
    });
    if (!response.ok) throw new Error(`WeCom robot answered ${response.status}`);
  }
}

export interface WeComApp {
  corpId: string;
  agentId: string;
  secret: string;
}

/**
 * WeCom application messages (企业微信应用消息): an access token from `gettoken` (kept until shortly
 * before it expires, fetched again when WeCom says it is invalid), then `message/send` to the person,
 * with WeCom's duplicate check on, so a message sent again within four hours is not shown twice.
 */
export class WeComAppNotifier implements Channel {
  readonly name = 'wecom-app';
  readonly personal = true;
  private token?: { value: string; until: number };
  constructor(
    private readonly app: () => Promise<WeComApp>,
    private readonly userIdOf: (personId: string) => Promise<string | undefined>,
    private readonly apiBase = 'https://qyapi.weixin.qq.com',
    private readonly post: typeof fetch = fetch,
  ) {}

  async reaches(n: Notification): Promise<boolean> {
    return Boolean(n.to.personId && (await this.userIdOf(n.to.personId)));
  }

  private async accessToken(renew = false): Promise<string> {
    if (!renew && this.token && this.token.until > Date.now()) return this.token.value;
    const { corpId, secret } = await this.app();
    const url = `${this.apiBase}/cgi-bin/gettoken?corpid=${encodeURIComponent(corpId)}&corpsecret=${encodeURIComponent(secret)}`;
    const answer = (await (await this.post(url, { method: 'GET' })).json()) as {
      errcode: number;
      errmsg?: string;
      access_token?: string;
      expires_in?: number;
    };
    if (answer.errcode !== 0 || !answer.access_token)
      throw new Error(`WeCom gettoken answered ${answer.errcode}`);
    this.token = {
      value: answer.access_token,
      until: Date.now() + ((answer.expires_in ?? 7200) - 300) * 1000,
    };
    return this.token.value;
  }

  async send(n: Notification): Promise<void> {
    const touser = n.to.personId ? await this.userIdOf(n.to.personId) : undefined;
    if (!touser) throw new Error('the person has no WeCom user id in the directory');
    const { agentId } = await this.app();
    const body = JSON.stringify({
      touser,
      msgtype: 'text',
      agentid: Number(agentId),
      text: { content: n.link ? `${n.text}\n${n.link}` : n.text },
      safe: 0,
      enable_duplicate_check: 1,
      duplicate_check_interval: 14_400,
    });
    for (const renew of [false, true]) {
      const url = `${this.apiBase}/cgi-bin/message/send?access_token=${encodeURIComponent(await this.accessToken(renew))}`;
      const answer = (await (
        await this.post(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      ).json()) as { errcode: number };
      if (answer.errcode === 0) return;
      // 40014 invalid, 42001 expired: the token is fetched again once
      if (renew || (answer.errcode !== 40014 && answer.errcode !== 42001))
        throw new Error(`WeCom message/send answered ${answer.errcode}`);
    }
  }
}

/** SMS through SNS; the number is sent whole to SNS only and logged masked. */
export class SmsNotifier implements Channel {
  readonly name = 'sms';
  readonly personal = true;
  async reaches(n: Notification): Promise<boolean> {
    return mobile(n.to.phone);
  }
  // loaded on first use: most deployments notify through WeCom only
  private client?: Promise<{
    client: import('@aws-sdk/client-sns').SNSClient;
    PublishCommand: typeof import('@aws-sdk/client-sns').PublishCommand;
  }>;

  async send(n: Notification): Promise<void> {
    this.client ??= import('@aws-sdk/client-sns').then(({ SNSClient, PublishCommand }) => ({
      client: new SNSClient({}),
      PublishCommand,
    }));
    const { client, PublishCommand } = await this.client;
    await client.send(
      new PublishCommand({
        PhoneNumber: `+86${n.to.phone}`,
        Message: n.link ? `${n.text} ${n.link}` : n.text,
        // SNS has no idempotency key for SMS; the id goes along for reconciliation
        MessageAttributes: { 'fangfan.messageId': { DataType: 'String', StringValue: n.messageId } },
      }),
    );
    logger.info('sms sent', { to: maskPhone(n.to.phone), kind: n.kind });
  }
}

/**
 * Tencent Cloud SMS account and registered templates (Secrets Manager): `templates` maps each message
 * kind to its approved template id; a kind without one is not sent by SMS.
 */
export interface TencentSmsAccount {
  secretId: string;
  secretKey: string;
  sdkAppId: string;
  signName: string;
  region?: string;
  templates: Partial<Record<MessageKind, string>>;
}

/**
 * Tencent Cloud SMS `SendSms` through Tencent's SDK (TC3-HMAC-SHA256 signed requests): the kind's
 * template id and its parameters in the template's order, the link as the last parameter. Tencent
 * has no idempotency key; the message id goes in `SessionContext`, which Tencent echoes in its
 * delivery receipts.
 */
export class TencentSmsNotifier implements Channel {
  readonly name = 'tencent-sms';
  readonly personal = true;
  private client?: Promise<
    InstanceType<typeof import('tencentcloud-sdk-nodejs-sms')['sms']['v20210111']['Client']>
  >;
  constructor(
    private readonly account: () => Promise<TencentSmsAccount>,
    /** `https://sms.tencentcloudapi.com` unless the deployment says otherwise */
    private readonly endpoint = 'https://sms.tencentcloudapi.com',
  ) {}

  async reaches(n: Notification): Promise<boolean> {
    return mobile(n.to.phone) && Boolean((await this.account()).templates[n.kind]);
  }

  async send(n: Notification): Promise<void> {
    const account = await this.account();
    const templateId = account.templates[n.kind];
    if (!templateId) throw new Error(`no Tencent SMS template registered for ${n.kind}`);
    this.client ??= import('tencentcloud-sdk-nodejs-sms').then(({ sms }) => {
      const url = new URL(this.endpoint);
      return new sms.v20210111.Client({
        credential: { secretId: account.secretId, secretKey: account.secretKey },
        region: account.region ?? 'ap-guangzhou',
        profile: { httpProfile: { protocol: `${url.protocol}//`, endpoint: url.host, reqTimeout: 10 } },
      });
    });
    const client = await this.client;
    const answer = await client.SendSms({
      SmsSdkAppId: account.sdkAppId,
      SignName: account.signName,
      TemplateId: templateId,
      PhoneNumberSet: [`+86${n.to.phone}`],
      TemplateParamSet: [
        ...templateParams(n.kind).map((name) => n.params[name] ?? ''),
        ...(n.link ? [n.link] : []),
      ],
      SessionContext: n.messageId,
    });
    const status = answer?.SendStatusSet?.[0];
    if (status?.Code !== 'Ok') throw new Error(`Tencent SMS answered ${status?.Code ?? 'nothing'}`);
    logger.info('sms sent', { to: maskPhone(n.to.phone), kind: n.kind, provider: 'tencent' });
  }
}

/** The names a deployment may give in NOTIFY_CHANNELS, and which of them reach one person. */
export const CHANNEL_NAMES = ['sms', 'tencent-sms', 'wecom-app', 'wecom'] as const;
export const PERSONAL_CHANNELS = ['sms', 'tencent-sms', 'wecom-app'];

/**
 * The deployment's channels. `people` is the directory, for the WeCom user ids; `readSecret` reads
 * a secret by its ARN.
 */
export function channelsFor(
  people: () => Promise<{ personId: string; wecomUserId?: string }[]>,
  readSecret: (arn: string) => Promise<string>,
): Channel[] {
  const names = config.notifyChannels;
  const channels: Channel[] = [];
  if (names.includes('sms')) channels.push(new SmsNotifier());
  if (names.includes('tencent-sms'))
    channels.push(
      new TencentSmsNotifier(
        async () => JSON.parse(await readSecret(config.smsProviderSecretArn)) as TencentSmsAccount,
        config.tencentSmsEndpoint,
      ),
    );
  if (names.includes('wecom-app'))
    channels.push(
      new WeComAppNotifier(
        async () => JSON.parse(await readSecret(config.wecomAppSecretArn)) as WeComApp,
        async (personId) => (await people()).find((p) => p.personId === personId)?.wecomUserId,
        config.wecomApiBase,
      ),
    );
  if (names.includes('wecom')) channels.push(new WeComNotifier(config.wecomWebhookUrl));
  return channels;
}
