/** The outbox's sender against an in-memory message store: claims, retries, dead messages, resends. */
import { afterEach, describe, expect, it } from 'vitest';
import { compose, type Message } from '#notify/messages';
import type { Channel } from '#notify/notifier';
import { backoffMs, deliver, MAX_ATTEMPTS, sweep } from '#notify/sender';
import { setClockSource } from '#runtime/clock';
import type { MessageStore } from '#store/messages';
import { ConflictError } from '#store/store';

/** The store's rules (status and round conditions) as the DynamoDB adapter keeps them. */
class MemoryMessages implements MessageStore {
  readonly items = new Map<string, Message & { dueAt?: string }>();
  add(m: ReturnType<typeof compose>, at: string) {
    this.items.set(m.messageId, {
      ...m,
      status: 'PENDING',
      round: 0,
      attempts: 0,
      delivered: [],
      createdAt: at,
      updatedAt: at,
      dueAt: new Date(Date.parse(at) + 5 * 60_000).toISOString(),
    });
  }
  private move(
    m: Pick<Message, 'messageId' | 'round'>,
    from: Message['status'][],
    patch: Partial<Message & { dueAt?: string }>,
  ) {
    const item = this.items.get(m.messageId);
    if (!item || item.round !== m.round || !from.includes(item.status)) return false;
    this.items.set(m.messageId, { ...item, ...patch });
    return true;
  }
  async get(id: string) {
    const item = this.items.get(id);
    return item ? structuredClone(item) : undefined;
  }
  async claim(id: string, round: number) {
    const item = await this.get(id);
    return item && this.move({ messageId: id, round }, ['PENDING'], { status: 'SENDING' })
      ? { ...item, status: 'SENDING' as const }
      : undefined;
  }
  async markDelivered(m: Message, channel: string) {
    this.move(m, ['SENDING'], { delivered: [...m.delivered, channel] });
    m.delivered = [...m.delivered, channel];
  }
  async markSent(m: Message, at: string, delivered: string[]) {
    this.move(m, ['SENDING'], { status: 'SENT', sentAt: at, delivered, dueAt: undefined });
  }
  async markFailed(m: Message, f: { attempts: number; error: string; at: string; nextAttemptAt?: string }) {
    this.move(m, ['SENDING'], {
      attempts: f.attempts,
      lastError: f.error,
      status: f.nextAttemptAt ? 'RETRY' : 'DEAD',
      nextAttemptAt: f.nextAttemptAt,
      dueAt: f.nextAttemptAt,
    });
  }
  async due(at: string, limit: number) {
    return [...this.items.values()]
      .filter((m) => m.dueAt && m.dueAt <= at && m.status !== 'SENT' && m.status !== 'DEAD')
      .slice(0, limit)
      .map((m) => ({ messageId: m.messageId, round: m.round, township: m.village.slice(0, 9) }));
  }
  async redrive(waiting: { messageId: string; round: number }, at: string) {
    return this.move(waiting, ['PENDING', 'SENDING', 'RETRY'], {
      status: 'PENDING',
      round: waiting.round + 1,
      dueAt: new Date(Date.parse(at) + 5 * 60_000).toISOString(),
    });
  }
  async resend(m: Message, _by: string, at: string) {
    if (!this.move(m, ['DEAD'], { status: 'PENDING', round: m.round + 1, attempts: 0, dueAt: at }))
      throw new ConflictError('VERSION');
  }
  async listUndelivered() {
    return [...this.items.values()].filter((m) => m.status === 'RETRY' || m.status === 'DEAD');
  }
}

let clock = Date.parse('2026-06-01T01:00:00Z');
setClockSource(() => clock);
afterEach(() => {
  clock = Date.parse('2026-06-01T01:00:00Z');
});

function channel(name: string, personal: boolean, fail: () => boolean = () => false) {
  const sent: string[] = [];
  const c: Channel & { sent: string[] } = {
    name,
    personal,
    sent,
    reaches: async () => true,
    send: async (n) => {
      if (fail()) throw new Error(`${name} down`);
      sent.push(n.messageId);
    },
  };
  return c;
}

const message = () =>
  compose('APPLICATION_RECEIVED', { name: '张三', phone: '13800000001' }, '341302001001', {
    applicationId: 'A1',
  });
const people = async () => [];
const reveal = async (value: string) => value;

describe('the sender', () => {
  it('delivers once even when the stream hands the same record over twice', async () => {
    const messages = new MemoryMessages();
    const sms = channel('sms', true);
    const m = message();
    messages.add(m, new Date(clock).toISOString());
    const deps = { messages, channels: [sms], people, reveal };
    expect(await deliver(deps, { messageId: m.messageId, round: 0 })).toBe('SENT');
    expect(await deliver(deps, { messageId: m.messageId, round: 0 })).toBe('SKIPPED');
    expect(sms.sent).toEqual([m.messageId]);
    expect(m.text).toBe('您的纳入监测申请已受理，编号A1。请按提示上传签字按手印的《农户承诺和授权查询书》。');
  });

  it('counts a phone that could not be revealed as a failed attempt, to be tried again, not a lost message', async () => {
    const messages = new MemoryMessages();
    const sms = channel('sms', true);
    const m = message();
    messages.add(m, new Date(clock).toISOString());
    const failing = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };
    expect(
      await deliver(
        { messages, channels: [sms], people, reveal: failing },
        { messageId: m.messageId, round: 0 },
      ),
    ).toBe('RETRY');
    const waiting = (await messages.get(m.messageId))!;
    expect(waiting.attempts).toBe(1);
    expect(waiting.lastError).toContain('读取收件人手机号失败');
    expect(waiting.nextAttemptAt).toBe(new Date(clock + backoffMs(1)).toISOString());
    expect(sms.sent).toEqual([]);
  });

  it('retries with backoff in business time, sending only through the channels that have not delivered', async () => {
    const messages = new MemoryMessages();
    let down = true;
    const sms = channel('sms', true);
    const wecom = channel('wecom-app', true, () => down);
    const m = message();
    messages.add(m, new Date(clock).toISOString());
    const deps = { messages, channels: [sms, wecom], people, reveal };
    expect(await deliver(deps, { messageId: m.messageId, round: 0 })).toBe('RETRY');
    const waiting = (await messages.get(m.messageId))!;
    expect(waiting.nextAttemptAt).toBe(new Date(clock + backoffMs(1)).toISOString());
    // not due yet: the sweep leaves it
    expect((await sweep({ messages })).redriven).toBe(0);
    clock += backoffMs(1);
    down = false;
    expect((await sweep({ messages })).redriven).toBe(1);
    expect(await deliver(deps, { messageId: m.messageId, round: 1 })).toBe('SENT');
    expect(sms.sent).toEqual([m.messageId]);
    expect(wecom.sent).toEqual([m.messageId]);
  });

  it('gives up after the last attempt: DEAD, listed, and sent again on request', async () => {
    const messages = new MemoryMessages();
    let down = true;
    const sms = channel('sms', true, () => down);
    const m = message();
    messages.add(m, new Date(clock).toISOString());
    const deps = { messages, channels: [sms], people, reveal };
    for (let round = 0; round < MAX_ATTEMPTS; round++) {
      const outcome = await deliver(deps, { messageId: m.messageId, round });
      expect(outcome).toBe(round === MAX_ATTEMPTS - 1 ? 'DEAD' : 'RETRY');
      clock += backoffMs(round + 1);
      await sweep({ messages });
    }
    const dead = (await messages.get(m.messageId))!;
    expect(dead.status).toBe('DEAD');
    expect(dead.lastError).toContain('sms down');
    expect((await messages.listUndelivered()).map((x) => x.messageId)).toEqual([m.messageId]);
    down = false;
    await messages.resend(dead, 'p-tr-301', new Date(clock).toISOString());
    expect(await deliver(deps, { messageId: m.messageId, round: dead.round + 1 })).toBe('SENT');
    expect(sms.sent).toEqual([m.messageId]);
  });

  it('marks a message no personal channel reaches DEAD at once', async () => {
    const messages = new MemoryMessages();
    const robot = channel('wecom', false);
    const m = message();
    messages.add(m, new Date(clock).toISOString());
    expect(
      await deliver({ messages, channels: [robot], people, reveal }, { messageId: m.messageId, round: 0 }),
    ).toBe('DEAD');
    expect((await messages.get(m.messageId))!.lastError).toMatch(/没有可送达此人的渠道/);
  });

  it('hands on a PENDING message the stream did not deliver, and a claim whose sender died', async () => {
    const messages = new MemoryMessages();
    const m = message();
    messages.add(m, new Date(clock).toISOString());
    await messages.claim(m.messageId, 0);
    clock += 4 * 60_000;
    expect((await sweep({ messages })).redriven).toBe(0);
    clock += 61_000;
    expect((await sweep({ messages })).redriven).toBe(1);
    const sms = channel('sms', true);
    expect(
      await deliver({ messages, channels: [sms], people, reveal }, { messageId: m.messageId, round: 1 }),
    ).toBe('SENT');
    expect(sms.sent).toHaveLength(1);
  });
});
