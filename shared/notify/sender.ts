/**
 * The one sender of the outbox. The table's stream hands it each PENDING message (a new one, or one
 * handed on again); it claims the message for this round, sends through every configured channel that
 * reaches the person (skipping those that already delivered it), and records the outcome. A claim
 * holds until the waiting time set when the message was handed over (`UNCLAIMED_AFTER_MS`). A failed
 * attempt waits with backoff (business time) and is handed on again by the sweep; after the last
 * attempt the message is DEAD and the township console lists it. A message is sent at most once per
 * channel unless a sender dies between the provider's acceptance and the record of it.
 */
import { maskPhone } from '#domain/masking';
import { now } from '#runtime/clock';
import { maybeFail } from '#runtime/faults';
import { logger } from '#runtime/logger';
import { count } from '#runtime/metrics';
import type { MessageStore } from '#store/messages';
import type { Message, MessageStatus } from './messages.ts';
import type { Channel } from './notifier.ts';

/** attempts before a message is DEAD: with the backoff below, about two hours of failures */
export const MAX_ATTEMPTS = 10;
/** 30 s, 1 min, 2 min, … up to 30 min between attempts */
export const backoffMs = (attempts: number): number => Math.min(30_000 * 2 ** (attempts - 1), 30 * 60_000);

export interface SenderDeps {
  messages: MessageStore;
  channels: Channel[];
  /** the directory's people, so a message reaches a person's current phone */
  people: () => Promise<{ personId: string; phone: string }[]>;
  /** a phone as the channel needs it: whole (it is stored sealed) */
  reveal: (value: string) => Promise<string>;
}

const iso = (ms: number) => new Date(ms).toISOString();
/** how the township console names a channel that failed */
const CHANNEL_LABELS: Record<string, string> = {
  sms: '短信',
  'tencent-sms': '短信（腾讯云）',
  'wecom-app': '企业微信',
  wecom: '企业微信群',
};

/** Delivers one message of one round; what it came to, or SKIPPED when it was not this sender's. */
export async function deliver(
  deps: SenderDeps,
  ref: { messageId: string; round: number },
): Promise<MessageStatus | 'SKIPPED'> {
  const claimed = await deps.messages.claim(ref.messageId, ref.round);
  if (!claimed) return 'SKIPPED';
  const addressed = await current(deps, claimed);
  let phone: string;
  try {
    phone = await deps.reveal(addressed.to.phone);
  } catch (error) {
    // the number could not be opened this time (a failed read of its key): an attempt like any other
    const attempts = addressed.attempts + 1;
    const dead = attempts >= MAX_ATTEMPTS;
    logger.warn('recipient phone not revealed', { messageId: addressed.messageId, attempts, dead });
    const at = now().toISOString();
    await deps.messages.markFailed(addressed, {
      attempts,
      error: `读取收件人手机号失败：${(error as Error).message}`.slice(0, 500),
      at,
      nextAttemptAt: dead ? undefined : iso(now().getTime() + backoffMs(attempts)),
    });
    return dead ? 'DEAD' : 'RETRY';
  }
  const message = { ...addressed, to: { ...addressed.to, phone } };
  const reaching: Channel[] = [];
  for (const channel of deps.channels) if (await channel.reaches(message)) reaching.push(channel);
  if (!reaching.some((c) => c.personal)) {
    logger.error('message undeliverable: no configured channel reaches the person', {
      messageId: message.messageId,
      person: message.to.personId,
      phone: maskPhone(message.to.phone),
    });
    count('Undeliverable');
    // retrying cannot help until the directory or the channels change: the township sees it at once
    await deps.messages.markFailed(message, {
      attempts: message.attempts + 1,
      error: '没有可送达此人的渠道（人员名录缺少手机号或企业微信账号）',
      at: now().toISOString(),
    });
    return 'DEAD';
  }
  const failures: string[] = [];
  const pending = reaching.filter((c) => !message.delivered.includes(c.name));
  const delivered = [...message.delivered];
  for (const channel of pending) {
    try {
      maybeFail('notify');
      await channel.send(message);
      delivered.push(channel.name);
      // with more channels to go, each delivery is kept at once; a single one is kept with the outcome
      if (pending.length > 1) await deps.messages.markDelivered(message, channel.name);
    } catch (error) {
      failures.push(`${CHANNEL_LABELS[channel.name] ?? channel.name}发送失败：${(error as Error).message}`);
    }
  }
  const at = now().toISOString();
  if (failures.length === 0) {
    await deps.messages.markSent(message, at, delivered);
    return 'SENT';
  }
  const attempts = message.attempts + 1;
  const dead = attempts >= MAX_ATTEMPTS;
  logger.warn('message not delivered', { messageId: message.messageId, attempts, dead, failures });
  await deps.messages.markFailed(message, {
    attempts,
    error: failures.join('；').slice(0, 500),
    at,
    nextAttemptAt: dead ? undefined : iso(now().getTime() + backoffMs(attempts)),
  });
  if (dead) count('Undeliverable');
  return dead ? 'DEAD' : 'RETRY';
}

/** A staff member's phone as the directory has it now (it may have changed since the message). */
async function current(deps: SenderDeps, message: Message): Promise<Message> {
  if (!message.to.personId) return message;
  const person = (await deps.people()).find((p) => p.personId === message.to.personId);
  return person?.phone && person.phone !== message.to.phone
    ? { ...message, to: { ...message.to, phone: person.phone } }
    : message;
}

/** Hands on every message whose time has come: a retry due, a lease ended, a PENDING not picked up. */
export async function sweep(deps: Pick<SenderDeps, 'messages'>, limit = 500): Promise<{ redriven: number }> {
  let redriven = 0;
  for (;;) {
    const due = await deps.messages.due(now().toISOString(), limit);
    let moved = 0;
    for (const waiting of due) if (await deps.messages.redrive(waiting, now().toISOString())) moved++;
    redriven += moved;
    if (due.length < limit || moved === 0) break;
  }
  if (redriven) logger.info('messages handed on again', { redriven });
  return { redriven };
}
