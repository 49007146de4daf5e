/** Publicity running into a year without holiday data: provisional, then recomputed once the year is configured. */
import { describe, expect, it } from 'vitest';
import {
  advanceClock,
  applicationBody,
  decide,
  getApplication,
  linkFor,
  MEETING,
  until,
  upload,
  useLocalStack,
  waitForStage,
  webhook,
} from '../support/local-stack.ts';

const stack = useLocalStack({ FANGFAN_LOCAL_NOW: '2026-12-28T02:00:00Z' });

const configure = (body: unknown) =>
  fetch(`${stack.url}/_local/calendar`, { method: 'POST', body: JSON.stringify(body) }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as any,
  }));

describe('publicity across a year without holiday data', () => {
  it('is marked provisional and recomputed when the year is added', async () => {
    // prepare: posted Monday 2026-12-28; 2027 has no packaged data
    const a = await webhook(stack, '/webhooks/applications', applicationBody());
    await upload(a.body.commitment.uploadUrl);
    await decide(await linkFor(stack, 'p-gl-201', a.body.applicationId), { decision: 'approve' });
    await decide(await linkFor(stack, 'p-vc-201', a.body.applicationId), {
      decision: 'approve',
      meeting: MEETING,
    });
    const posted = await until(
      'publicity',
      async () => (await getApplication(stack, a.body.applicationId)).publicity,
    );
    expect(posted).toMatchObject({ endsAt: '2027-01-05T16:00:00Z', provisional: true });

    // act: a bad year is refused with its field path, then the notice's days are configured
    const bad = await configure({ year: '2027', holidays: ['2026-10-01'], workdays: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].path).toBe('holidays.0');
    expect(
      (await configure({ year: '2027', holidays: ['2027-01-01', '2027-01-04'], workdays: [] })).status,
    ).toBe(200);
    await advanceClock(stack, 'P9D');

    // assess: at the old end the close recomputes and waits one more working day
    const moved = await until('the recomputed end', async () => {
      const app = await getApplication(stack, a.body.applicationId);
      return app.publicity.endsAt === '2027-01-06T16:00:00Z' ? app : undefined;
    });
    expect(moved).toMatchObject({ stage: 'PUBLICITY', publicity: { provisional: false } });
    await advanceClock(stack, 'P1D');
    await waitForStage(stack, a.body.applicationId, 'TOWNSHIP_REVIEW');
  });
});
