/**
 * One interface for telling people things, through the deployment's `NOTIFY_CHANNELS`:
 * - `sms`: SMS through SNS, to the person's phone (aws partition);
 * - `wecom-app`: a WeCom application message (企业微信应用消息) to the person's WeCom user id from the
 *   directory (corp id, agent id and secret in Secrets Manager);
 * - `wecom`: a WeCom group robot, which carries only what holds no personal link.
 * A personal link goes only through a personal channel. A message no configured channel can bring to
 * its person is logged (masked) and counted as `Undeliverable`, which is alarmed: retrying cannot help.
 * The local twin receives SMS at its own SNS endpoint and keeps them in the outbox (`/_local/outbox`).
 */
import { maskPhone } from '#domain/masking';
import { config } from '#runtime/config';
import { maybeFail } from '#runtime/faults';
import { logger } from '#runtime/logger';
import { count } from '#runtime/metrics';

export interface Notification {
  to: { personId?: string; name: string; phone: string };
  text: string;
  link?: string;
}

export interface Notifier {
  send(notification: Notification): Promise<void>;
}

/** A channel: whether it can bring this message to its person, and the sending. */
export interface Channel extends Notifier {
  /** personal channels reach one person; a group robot reaches a group */
  readonly personal: boolean;
  reaches(notification: Notification): Promise<boolean>;
}

/** WeCom group robot: posts markdown to the robot's webhook URL; never a personal link. */
export class WeComNotifier implements Channel {
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
 * before it expires, fetched again when WeCom says it is invalid), then `message/send` to the person.
 */
export class WeComAppNotifier implements Channel {
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
  readonly personal = true;
  async reaches(n: Notification): Promise<boolean> {
    return /^1\d{10}$/.test(n.to.phone);
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
      }),
    );
    logger.info('sms sent', { to: maskPhone(n.to.phone) });
  }
}

const ATTEMPTS = 5;

/**
 * Sends through every configured channel that can bring the message to its person; a channel that
 * fails is tried again with backoff before the step fails (and is retried by its caller in turn).
 */
export class FanOutNotifier implements Notifier {
  constructor(private readonly channels: Channel[]) {}
  async send(n: Notification): Promise<void> {
    const reaching: Channel[] = [];
    for (const channel of this.channels) if (await channel.reaches(n)) reaching.push(channel);
    if (!reaching.some((c) => c.personal)) {
      logger.error('notification undeliverable: no configured channel reaches the person', {
        person: n.to.personId,
        phone: maskPhone(n.to.phone),
      });
      count('Undeliverable');
    }
    await Promise.all(
      reaching.map(async (channel) => {
        for (let attempt = 1; ; attempt++) {
          try {
            maybeFail('notify');
            await channel.send(n);
            return;
          } catch (error) {
            if (attempt >= ATTEMPTS) throw error;
            logger.warn('notification failed, retrying', { attempt, error: (error as Error).message });
            await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
          }
        }
      }),
    );
  }
}

/**
 * The deployment's channels, resolved on the first message (a function that never sends needs none).
 * `people` is the directory, for the WeCom user ids.
 */
export function notifierFor(
  people: () => Promise<{ personId: string; wecomUserId?: string }[]>,
  readSecret: (arn: string) => Promise<string>,
): Notifier {
  let fanOut: FanOutNotifier | undefined;
  return {
    send(n) {
      if (!fanOut) {
        const channels: Channel[] = [];
        const names = config.notifyChannels;
        if (names.includes('sms')) channels.push(new SmsNotifier());
        if (names.includes('wecom-app'))
          channels.push(
            new WeComAppNotifier(
              async () => JSON.parse(await readSecret(config.wecomAppSecretArn)) as WeComApp,
              async (personId) => (await people()).find((p) => p.personId === personId)?.wecomUserId,
              config.wecomApiBase,
            ),
          );
        if (names.includes('wecom')) channels.push(new WeComNotifier(config.wecomWebhookUrl));
        fanOut = new FanOutNotifier(channels);
      }
      return fanOut.send(n);
    },
  };
}
