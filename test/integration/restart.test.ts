/** A killed local runtime resumes every open case at its last state; approval links stay valid. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  advanceClock,
  applicationBody,
  decide,
  getApplication,
  linkFor,
  MEETING,
  type RunningStack,
  startStack,
  until,
  upload,
  waitForStage,
  webhook,
} from '../support/local-stack.ts';

let stack: RunningStack;

beforeAll(async () => {
  stack = await startStack({ FANGFAN_LOCAL_NOW: '2026-04-01T02:00:00Z' });
});
afterAll(async () => {
  await stack?.kill();
});

describe('restart', () => {
  it('resumes a case parked in an approval wait and one in publicity', async () => {
    // prepare: case A waits for the group leader, case B is in publicity
    const a = await webhook(stack, '/webhooks/applications', applicationBody());
    await upload(a.body.commitment.uploadUrl);
    const b = await webhook(
      stack,
      '/webhooks/applications',
      applicationBody({ village: '341302105202', group: '第一村民小组' }),
    );
    await upload(b.body.commitment.uploadUrl);
    const linkA = await linkFor(stack, 'p-gl-201');
    await decide(await linkFor(stack, 'p-gl-202'), { decision: 'approve' });
    await decide(await linkFor(stack, 'p-vc-202'), { decision: 'approve', meeting: MEETING });
    await until('publicity of B', async () => (await getApplication(stack, b.body.applicationId)).publicity);

    // act: kill hard, start again
    await stack.kill('SIGKILL');
    await stack.restart();

    // assess: the old link still decides case A; case B's publicity still ends by the clock
    const decided = await decide(linkA, { decision: 'approve' });
    expect(decided.status).toBe(200);
    await waitForStage(stack, a.body.applicationId, 'VILLAGE_REVIEW');
    await advanceClock(stack, 'P10D');
    await waitForStage(stack, b.body.applicationId, 'TOWNSHIP_REVIEW');
  });
});
