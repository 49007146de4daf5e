/** A killed local runtime resumes every open case at its last state; approval links stay valid. */
import { describe, expect, it } from 'vitest';
import {
  advanceClock,
  applicationBody,
  decide,
  getApplication,
  linkFor,
  MEETING,
  outbox,
  until,
  upload,
  useLocalStack,
  waitForStage,
  webhook,
} from '../support/local-stack.ts';

const stack = useLocalStack({ FANGFAN_LOCAL_NOW: '2026-04-01T02:00:00Z' });

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
    const linkA = await linkFor(stack, 'p-gl-201', a.body.applicationId);
    await decide(await linkFor(stack, 'p-gl-202', b.body.applicationId), { decision: 'approve' });
    await decide(await linkFor(stack, 'p-vc-202', b.body.applicationId), {
      decision: 'approve',
      meeting: MEETING,
    });
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

  it('hands on a decision recorded just before the runtime died', async () => {
    // prepare: the runtime dies right after the decision is written, before the workflow hears of it
    await stack.kill();
    await stack.restart({ FANGFAN_CRASH_AT: 'decision-recorded' });
    const a = await webhook(stack, '/webhooks/applications', applicationBody());
    await upload(a.body.commitment.uploadUrl);
    await waitForStage(stack, a.body.applicationId, 'GROUP_REVIEW');
    const link = await linkFor(stack, 'p-gl-201', a.body.applicationId);
    await expect(decide(link, { decision: 'approve' })).rejects.toThrow();

    // act
    await stack.kill();
    await stack.restart({});

    // assess: the workflow moved on once, the committee got its link, the first link is spent
    await linkFor(stack, 'p-vc-201', a.body.applicationId);
    expect((await decide(link, { decision: 'approve' })).status).toBe(409);
    const app = await getApplication(stack, a.body.applicationId);
    expect(app.stage).toBe('VILLAGE_REVIEW');
    expect(app.history.filter((h: { stage: string }) => h.stage === 'GROUP_REVIEW')).toHaveLength(1);
  });

  it('skips the village group level where the district switched it off', async () => {
    await stack.kill();
    await stack.restart({ CHAIN_CONFIG: JSON.stringify({ '341302': { groupReview: false } }) });
    const a = await webhook(stack, '/webhooks/applications', applicationBody());
    await upload(a.body.commitment.uploadUrl);
    await waitForStage(stack, a.body.applicationId, 'VILLAGE_REVIEW');
    const link = await linkFor(stack, 'p-vc-201', a.body.applicationId);
    const returned = await decide(link, { decision: 'return', comment: '承诺书缺少手印，请重新上传' });
    expect(returned.body.stage).toBe('AWAITING_COMMITMENT');
    await waitForStage(stack, a.body.applicationId, 'AWAITING_COMMITMENT');
    const told = await until('the applicant told', async () =>
      (await outbox(stack, '13800000000')).find(
        (m) => m.text.includes('退回补正') && m.text.includes(a.body.applicationId),
      ),
    );
    expect(told.text).toContain('承诺书缺少手印');
  });
});
