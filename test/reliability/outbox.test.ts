/**
 * R9: the sender fails every call for 10 minutes of business time while applications come in and
 * their approval steps open. Afterwards every message written has been delivered exactly once: each
 * message id reached the twin's SMS endpoint once, and none is left waiting or dead.
 */
import { describe, expect, it } from 'vitest';
import {
  advanceClock,
  applicationBody,
  countItems,
  outbox,
  pool,
  scale,
  staffRequest,
  upload,
  useLocalStack,
  waitForStage,
  webhook,
} from '../support/local-stack.ts';

const START = '2026-06-01T01:00:00.000Z';
const OUTAGE_ENDS = '2026-06-01T01:10:00.000Z';

const stack = useLocalStack({
  FANGFAN_LOCAL_NOW: START,
  FANGFAN_FAULTS: JSON.stringify({ notify: { rate: 1, until: OUTAGE_ENDS } }),
  POWERTOOLS_LOG_LEVEL: 'ERROR',
});

/** the township's undelivered messages, once the sender has taken what the stream holds */
async function undelivered() {
  await countItems(stack);
  return (await staffRequest(stack, 'GET', '/townships/341302105/messages', undefined, 'p-tr-105')).body
    .items as { status: string; attempts: number }[];
}

describe('R9 the sender through an outage', () => {
  it('delivers every message exactly once after 10 minutes of failed sends', async () => {
    const n = scale(20, 300);
    const answers = await pool(
      Array.from({ length: n }, () => applicationBody()),
      8,
      (body) => webhook(stack, '/webhooks/applications', body),
    );
    for (const a of answers) expect(a.status).toBe(202);
    await pool(answers, 8, (a) => upload(a.body.commitment.uploadUrl));
    const ids = answers.map((a) => a.body.applicationId as string);
    await pool(ids, 8, (id) => waitForStage(stack, id, 'GROUP_REVIEW'));

    // during the outage: nothing reaches anyone, and the township sees the messages waiting
    expect(await outbox(stack)).toHaveLength(0);
    const waiting = await undelivered();
    expect(waiting.length).toBeGreaterThanOrEqual(2 * n);
    expect(waiting.every((m) => m.status === 'RETRY')).toBe(true);

    // business time goes on a minute at a time, as the retry sweep runs each minute
    let minutes = 0;
    let attempts = 0;
    for (; minutes < 90; minutes++) {
      await advanceClock(stack, 'PT1M');
      await new Promise((r) => setTimeout(r, 200)); // the sweep runs on the minute
      // settled each minute, so every retry that falls due meets the outage
      const left = await undelivered();
      for (const m of left) attempts = Math.max(attempts, m.attempts);
      if (minutes >= 10 && left.length === 0) break;
    }
    expect(minutes).toBeLessThan(90);
    // each message was tried again and again while the outage lasted (30 s, 1, 2, 4, 8 min apart)
    expect(attempts).toBeGreaterThanOrEqual(5);

    const sent = await outbox(stack);
    const written = (await countItems(stack)).MESSAGE ?? 0;
    const perMessage = new Map<string, number>();
    for (const m of sent) perMessage.set(m.messageId, (perMessage.get(m.messageId) ?? 0) + 1);
    expect(sent.every((m) => m.messageId)).toBe(true);
    expect([...perMessage.values()].every((times) => times === 1)).toBe(true);
    expect(perMessage.size).toBe(written);
    // each applicant was told of the receipt, each group leader got a link per case
    for (const id of ids) expect(sent.filter((m) => m.text.includes(id)).length).toBeGreaterThanOrEqual(2);
    console.log(
      `R9: ${n} applications, ${written} messages through a 10-minute outage (up to ${attempts} failed attempts each) → each delivered once, ${minutes + 1} business minutes after the start`,
    );
  }, 1_200_000);
});
