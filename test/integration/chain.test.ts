/** The monitoring application chain end to end on the real local stack, over HTTP. */
import { describe, expect, it } from 'vitest';
import {
  advanceClock,
  applicationBody,
  caseLink,
  decide,
  getApplication,
  linkFor,
  MEETING,
  outbox,
  sampleIdNumber,
  until,
  upload,
  useLocalStack,
  waitForStage,
  webhook,
} from '../support/local-stack.ts';

const stack = useLocalStack({ FANGFAN_LOCAL_NOW: '2026-03-02T02:00:00Z' });

async function applyAndUpload(overrides: Record<string, unknown> = {}) {
  const body = applicationBody(overrides);
  const submitted = await webhook(stack, '/webhooks/applications', body);
  expect(submitted.status).toBe(202);
  await upload(submitted.body.commitment.uploadUrl);
  return { id: submitted.body.applicationId as string, body };
}

async function approveThrough(
  id: string,
  personId: string,
  stage: string,
  extra: Record<string, unknown> = {},
) {
  await waitForStage(stack, id, stage);
  const link = await linkFor(stack, personId, id);
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
    await until('publicity', async () => (await getApplication(stack, id)).publicity);
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
      expect.arrayContaining([
        'SUBMITTED',
        'GROUP_REVIEW',
        'VILLAGE_REVIEW',
        'PUBLICITY',
        'TOWNSHIP_REVIEW',
        'DISTRICT_FILING',
        'SYSTEM_ENTRY',
      ]),
    );
    const told = await outbox(stack, '13800000000');
    expect(told.at(-1).text).toContain('已纳入防止返贫监测');
  });
});

describe('decisions that end or turn the case', () => {
  it('rejects with the reason told to the applicant, and a second decision is 409', async () => {
    const { id } = await applyAndUpload({
      applicant: { ...applicationBody().applicant, phone: '13811112222' },
    });
    await waitForStage(stack, id, 'GROUP_REVIEW');
    const link = await linkFor(stack, 'p-gl-201', id);
    const missingComment = await decide(link, { decision: 'reject' });
    expect(missingComment.status).toBe(400);
    expect(missingComment.body.error.fields[0].path).toBe('comment');
    const rejected = await decide(link, {
      decision: 'reject',
      comment: '家庭收入核实高于监测范围且无返贫风险',
    });
    expect(rejected.body.stage).toBe('REJECTED');
    expect((await decide(link, { decision: 'approve' })).status).toBe(409);
    await until('the applicant told', async () =>
      (await outbox(stack, '13811112222')).find((m) => m.text.includes('未通过')),
    );
    const told = (await outbox(stack, '13811112222')).find((m) => m.text.includes('未通过'));
    expect(told.text).toContain('家庭收入核实高于监测范围');
    expect((await getApplication(stack, id)).stage).toBe('REJECTED');
  });

  it('return sends the case back one level', async () => {
    const { id } = await applyAndUpload();
    await approveThrough(id, 'p-gl-201', 'GROUP_REVIEW');
    await waitForStage(stack, id, 'VILLAGE_REVIEW');
    const firstGroupLink = await caseLink(stack, 'p-gl-201', id);
    const link = await linkFor(stack, 'p-vc-201', id);
    // a decision that contradicts the meeting's own vote is refused, and changes nothing
    const outvoted = await decide(link, {
      decision: 'approve',
      meeting: { ...MEETING, vote: { for: 0, against: 7, abstain: 0 } },
    });
    expect(outvoted.status).toBe(400);
    expect(outvoted.body.error.fields[0].path).toBe('meeting.vote.for');
    // a meeting record without the 驻村工作队 and the 村监委会 is refused on its attendees
    const partial = await decide(link, {
      decision: 'approve',
      meeting: {
        ...MEETING,
        attendees: MEETING.attendees.filter((a) => a.role === '村两委' || a.role === '村民代表'),
      },
    });
    expect(partial.status).toBe(400);
    expect(partial.body.error.fields).toEqual([
      {
        path: 'meeting.attendees',
        message: '参会人员须包括村两委、驻村工作队、村监委会、村民代表，缺少驻村工作队、村监委会',
      },
    ]);
    const carried = await decide(link, { decision: 'reject', comment: '不符合', meeting: MEETING });
    expect(carried.status).toBe(400);
    expect(carried.body.error.fields[0].message).toContain('表决已通过');
    expect((await getApplication(stack, id)).stage).toBe('VILLAGE_REVIEW');
    const returned = await decide(link, { decision: 'return', comment: '请补充家庭成员信息' });
    expect(returned.body.stage).toBe('GROUP_REVIEW');
    const again = await linkFor(stack, 'p-gl-201', id, firstGroupLink);
    expect(again).not.toBe(firstGroupLink);
    expect((await getApplication(stack, id)).stage).toBe('GROUP_REVIEW');
  });

  it('an objection during publicity sends the case to objection review', async () => {
    const { id } = await applyAndUpload();
    await approveThrough(id, 'p-gl-201', 'GROUP_REVIEW');
    await approveThrough(id, 'p-vc-201', 'VILLAGE_REVIEW', { meeting: MEETING });
    await until('publicity', async () => (await getApplication(stack, id)).publicity);
    const objection = await webhook(stack, '/webhooks/objections', {
      requestId: `obj-${id.slice(-10)}`,
      applicationId: id,
      objector: { name: '李四', phone: '13900001111' },
      content: '该户家中有经营性货车，收入情况不实',
    });
    expect(objection.status).toBe(202);
    await advanceClock(stack, 'P10D');
    await waitForStage(stack, id, 'OBJECTION_REVIEW');
    const late = await webhook(stack, '/webhooks/objections', {
      requestId: `obj2-${id.slice(-10)}`,
      applicationId: id,
      objector: { name: '李四', phone: '13900001111' },
      content: '再次反映',
    });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('NOT_IN_PUBLICITY');
    // the reviewer reads what the objection says, the objector masked
    const reviewLink = await linkFor(stack, 'p-vc-201', id);
    const review = (await (
      await fetch(reviewLink, { headers: { accept: 'application/json' } })
    ).json()) as any;
    expect(review.stage).toBe('OBJECTION_REVIEW');
    expect(review.objections).toEqual([
      {
        name: '李*',
        phone: '139****1111',
        content: '该户家中有经营性货车，收入情况不实',
        at: expect.any(String),
      },
    ]);
    const page = await (await fetch(reviewLink)).text();
    expect(page).toContain('该户家中有经营性货车，收入情况不实');
    expect(page).not.toContain('13900001111');
    await approveThrough(id, 'p-vc-201', 'OBJECTION_REVIEW', { meeting: MEETING });
    await waitForStage(stack, id, 'TOWNSHIP_REVIEW');
  });

  it('the district comparison stops a household with a private car, naming the rule', async () => {
    const { id } = await applyAndUpload({
      applicant: { name: '钱五', idNumber: sampleIdNumber('34130219750304001'), phone: '13822223333' },
    });
    await approveThrough(id, 'p-gl-201', 'GROUP_REVIEW');
    await approveThrough(id, 'p-vc-201', 'VILLAGE_REVIEW', { meeting: MEETING });
    await until('publicity', async () => (await getApplication(stack, id)).publicity);
    await advanceClock(stack, 'P10D');
    const rejected = await waitForStage(stack, id, 'REJECTED');
    expect(rejected.outcome.reason).toContain('消费型轿车');
  });

  it('lapses after the reminder and the escalation both time out', async () => {
    const { id } = await applyAndUpload();
    await waitForStage(stack, id, 'GROUP_REVIEW');
    await advanceClock(stack, 'P4D');
    await until('a reminder', async () =>
      (await outbox(stack, 'p-gl-201')).find((m) => m.text.startsWith('催办')),
    );
    await advanceClock(stack, 'P4D');
    await until('an escalation', async () =>
      (await outbox(stack, 'p-vc-201')).find((m) => m.text.startsWith('督办')),
    );
    await advanceClock(stack, 'P4D');
    const lapsed = await waitForStage(stack, id, 'LAPSED');
    expect(lapsed.history.at(-1).decision).toBe('timeout');
  });
});
