/**
 * One interface for telling people things. The local outbox keeps every message for
 * `/_local/outbox`; WeCom group robots and SMS (SNS) are adapters chosen by configuration.
 */
import { randomUUID } from 'node:crypto';
import { maskPhone } from '#domain/masking';
import { nowIso } from '#runtime/clock';
import { config } from '#runtime/config';
import { maybeFail } from '#runtime/faults';
import { logger } from '#runtime/logger';
import type { OutboxMessage } from '#store/model';
import type { Store } from '#store/store';

export interface Notification {
  to: { personId?: string; name: string; phone: string };
  text: string;
  link?: string;
}

export interface Notifier {
  send(notification: Notification): Promise<void>;
}

export class OutboxNotifier implements Notifier {
  constructor(private readonly store: Store) {}
  async send(n: Notification): Promise<void> {
    const message: OutboxMessage = {
      id: randomUUID(),
      to: n.to,
      channel: 'outbox',
      text: n.text,
      link: n.link,
      createdAt: nowIso(),
    };
    await this.store.putOutbox(message);
  }
}

/** WeCom group robot: posts markdown to the robot's webhook URL. */
export class WeComNotifier implements Notifier {
  constructor(
    private readonly webhookUrl: string,
    private readonly post: typeof fetch = fetch,
  ) {}
  async send(n: Notification): Promise<void> {
    const content = `**${n.to.name}**：${n.text}${n.link ? `\n[点击办理](${n.link})` : ''}`;
    const response = await this.post(this.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ msgtype: 'markdown', markdown: { content } }),
    });
    if (!response.ok) throw new Error(`WeCom robot answered ${response.status}`);
  }
}

/** SMS through SNS; the number is sent whole to SNS only and logged masked. */
export class SmsNotifier implements Notifier {
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
 * Sends through every configured channel; a channel that fails is tried again with backoff before the
 * step fails (and is retried by its caller in turn).
 */
class FanOutNotifier implements Notifier {
  constructor(private readonly notifiers: Notifier[]) {}
  async send(n: Notification): Promise<void> {
    await Promise.all(
      this.notifiers.map(async (notifier) => {
        for (let attempt = 1; ; attempt++) {
          try {
            maybeFail('notify');
            await notifier.send(n);
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

export function notifierFor(store: Store): Notifier {
  const notifiers: Notifier[] = [];
  if (config.localMode) notifiers.push(new OutboxNotifier(store));
  const wecom = config.wecomWebhookUrl;
  if (config.notifyChannels.includes('wecom') && wecom) notifiers.push(new WeComNotifier(wecom));
  if (config.notifyChannels.includes('sms')) notifiers.push(new SmsNotifier());
  return new FanOutNotifier(notifiers);
}
