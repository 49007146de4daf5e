/** The monitoring application chain end to end on the real local stack, over HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  advanceClock,
  applicationBody,
  decide,
  getApplication,
  linkFor,
  MEETING,
  outbox,
  type RunningStack,
  startStack,
  upload,
  waitForStage,
  webhook,
} from '../support/local-stack.ts';

let stack: RunningStack;

beforeAll(async () => {
  stack = await startStack({ FANGFAN_LOCAL_NOW: '2026-03-02T02:00:00Z' });
});
afterAll(async () => {
  await stack?.kill();
});

async function applyAndUpload(overrides: Record<string, unknown> = {}) {
  const body = applicationBody(overrides);
  const submitted = await webhook(stack, '/webhooks/applications', body);
  expect(submitted.status).toBe(202);
  await upload(submitted.body.commitment.uploadUrl);
  return { id: submitted.body.applicationId as string, body };
}

async function approveThrough(id: string, personId: string, stage: string, extra: Record<string, unknown> = {}) {
  await waitForStage(stack, id, stage);
  const count = (await outbox(stack, personId)).filter((m) => m.link).length;
  const link = await linkFor(stack, personId, count - 1);
  const result = await decide(link, { decision: 'approve', ...extra });
  expect(result.status).toBe(200);
  return result.body;
}

describe('monitoring application chain', () => {
  it('goes from a signed webhook to an active monitoring object', async () => {
    // prepare
    const { id } = await applyAndUpload();
    // act
    await approveThrough(id, 'p-gl-201', 'GROUP_REVIEW');
    const afterCommittee = await approveThrough(id, 'p-vc-201', 'VILLAGE_REVIEW', { meeting: MEETING });
    expect(afterCommittee.stage).toBe('PUBLICITY');
    const inPublicity = await waitForStage(stack, id, 'PUBLICITY');
    await until(async () => (await getApplication(stack, id)).publicity);
    const app = await getApplication(stack, id);
    expect(app.publicity.endsAt).toBe('2026-03-09T16:00:00Z');
    expect(inPublicity.household.head.idNumber).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
    await advanceClock(stack, 'P8D');
    await approveThrough(id, 'p-tr-105', 'TOWNSHIP_REVIEW');
    await approveThrough(id, 'p-df-302', 'DISTRICT_FILING');
    await approveThrough(id, 'p-se-302', 'SYSTEM_ENTRY');
    // assess
    const active = await waitForStage(stack, id, 'ACTIVE');
    expect(active.outcome.contactPerson.name).toBe('王书记');
    expect(active.outcome.monitoringObjectType).toBe('MARGINAL');
    expect(active.history.map((h: { stage: string }) => h.stage)).toEqual(
      expect.arrayContaining(['SUBMITTED', 'GROUP_REVIEW', 'VILLAGE_REVIEW', 'PUBLICITY', 'TOWNSHIP_REVIEW', 'DISTRICT_FILING', 'SYSTEM_ENTRY']),
    );
    const told = await outbox(stack, '13800000000');
    expect(told.at(-1).text).toContain('已纳入防止返贫监测');
  });
});

async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error('timed out');
}
