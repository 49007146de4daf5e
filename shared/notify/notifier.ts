/**
 * One interface for telling people things: SMS (SNS) and WeCom group robots are adapters, chosen by
 * the deployment's `NOTIFY_CHANNELS`. A function that sends without a channel configured fails,
 * naming the setting. The local twin receives what these adapters send at its own SNS endpoint and
 * keeps it in the outbox (`/_local/outbox`).
 */
import { maskPhone } from '#domain/masking';
import { config } from '#runtime/config';
import { maybeFail } from '#runtime/faults';
import { logger } from '#runtime/logger';

export interface Notification {
  to: { personId?: string; name: string; phone: string };
  text: string;
  link?: string;
}

export interface Notifier {
  send(notification: Notification): Promise<void>;
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

/** The deployment's channels, resolved on the first message (a function that never sends needs none). */
export function notifierFor(): Notifier {
  let fanOut: FanOutNotifier | undefined;
  return {
    send(n) {
      if (!fanOut) {
        const notifiers: Notifier[] = [];
        const channels = config.notifyChannels;
        if (channels.includes('wecom')) notifiers.push(new WeComNotifier(config.wecomWebhookUrl));
        if (channels.includes('sms')) notifiers.push(new SmsNotifier());
        fanOut = new FanOutNotifier(notifiers);
      }
      return fanOut.send(n);
    },
  };
}
