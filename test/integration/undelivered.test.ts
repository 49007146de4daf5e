/**
 * A message that fails every attempt is DEAD: the township sees it among its undelivered messages and
 * sends it again; people outside the township's scope see and resend nothing.
 */
import { describe, expect, it } from 'vitest';
import {
  advanceClock,
  applicationBody,
  countItems,
  outbox,
  staffRequest,
  useLocalStack,
  webhook,
} from '../support/local-stack.ts';

const stack = useLocalStack({
  FANGFAN_LOCAL_NOW: '2026-06-01T01:00:00.000Z',
  // the SMS provider is down for six hours
  FANGFAN_FAULTS: JSON.stringify({ notify: { rate: 1, until: '2026-06-01T07:00:00.000Z' } }),
  POWERTOOLS_LOG_LEVEL: 'ERROR',
});

const undelivered = async (personId = 'p-tr-105') => {
  await countItems(stack);
  return staffRequest(stack, 'GET', '/townships/341302105/messages', undefined, personId);
};

describe('undelivered messages', () => {
  it('lists a message that failed every attempt, and sends it again on request', async () => {
    const answer = await webhook(stack, '/webhooks/applications', applicationBody());
    expect(answer.status).toBe(202);
    const applicationId = answer.body.applicationId as string;
    let dead: any;
    for (let i = 0; i < 14 && !dead; i++) {
      await advanceClock(stack, 'PT31M');
      await new Promise((r) => setTimeout(r, 200));
      dead = (await undelivered()).body.items.find((m: any) => m.status === 'DEAD');
    }
    expect(dead).toMatchObject({
      kind: 'APPLICATION_RECEIVED',
      status: 'DEAD',
      attempts: 10,
      hasLink: false,
      to: { phone: expect.stringMatching(/^1\d\d\*{4}\d{4}$/) },
    });
    expect(dead.text).toContain(applicationId);
    expect(dead.lastError).toContain('injected');

    // outside the township's scope: nothing to see, nothing to resend
    expect((await undelivered('p-gl-201')).status).toBe(403);
    const foreign = await staffRequest(
      stack,
      'POST',
      `/messages/${dead.messageId}/resend`,
      undefined,
      'p-gl-201',
    );
    expect(foreign.status).toBe(404);
    expect(
      (await staffRequest(stack, 'POST', '/messages/not-a-uuid/resend', undefined, 'p-tr-105')).status,
    ).toBe(400);

    // once the provider is back, the township sends it again: it goes out once
    await advanceClock(stack, 'PT3H');
    const resent = await staffRequest(
      stack,
      'POST',
      `/messages/${dead.messageId}/resend`,
      undefined,
      'p-tr-105',
    );
    expect(resent.status).toBe(200);
    expect(resent.body.status).toBe('PENDING');
    const again = await staffRequest(
      stack,
      'POST',
      `/messages/${dead.messageId}/resend`,
      undefined,
      'p-tr-105',
    );
    expect(again.status).toBe(409);
    const sent = (await outbox(stack)).filter((m: any) => m.messageId === dead.messageId);
    expect(sent).toHaveLength(1);
    expect((await undelivered()).body.items.some((m: any) => m.messageId === dead.messageId)).toBe(false);
  }, 300_000);
});
