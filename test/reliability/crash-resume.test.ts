/**
 * R4: the local runtime killed (SIGKILL) at each kind of point — during intake, waiting for the
 * commitment, waiting for an approval, during publicity, between recording a decision and resuming —
 * then restarted: every case completes, none is lost or duplicated, and every approval link still works.
 */
import { describe, expect, it } from 'vitest';
import {
  applicationBody,
  caseLink,
  countItems,
  decide,
  driveAll,
  getApplication,
  MEETING,
  pool,
  scale,
  until,
  upload,
  useLocalStack,
  waitForStage,
  webhook,
} from '../support/local-stack.ts';

const stack = useLocalStack({ FANGFAN_LOCAL_NOW: '2026-05-11T01:00:00Z' });

async function submit(upload_ = true) {
  const body = applicationBody();
  const answer = await webhook(stack, '/webhooks/applications', body);
  expect(answer.status).toBe(202);
  if (upload_) await upload(answer.body.commitment.uploadUrl);
  return {
    id: answer.body.applicationId as string,
    body,
    uploadUrl: answer.body.commitment.uploadUrl as string,
  };
}

describe('R4 kill and restart at every kind of point', () => {
  it('completes every case, none lost, none duplicated, every link still working', async () => {
    const n = scale(2, 10);
    // prepare: cases parked at the commitment, at an approval, in publicity
    const awaitingCommitment = await pool(
      Array.from({ length: n }, () => 0),
      5,
      () => submit(false),
    );
    const awaitingApproval = await pool(
      Array.from({ length: n }, () => 0),
      5,
      () => submit(),
    );
    const inPublicity = await pool(
      Array.from({ length: n }, () => 0),
      5,
      () => submit(),
    );
    for (const c of awaitingApproval) await waitForStage(stack, c.id, 'GROUP_REVIEW');
    const links = new Map<string, string>();
    for (const c of awaitingApproval)
      links.set(c.id, (await until('a link', () => caseLink(stack, 'p-gl-201', c.id)))!);
    for (const c of inPublicity) {
      await waitForStage(stack, c.id, 'GROUP_REVIEW');
      await decide((await until('a link', () => caseLink(stack, 'p-gl-201', c.id)))!, {
        decision: 'approve',
      });
      await waitForStage(stack, c.id, 'VILLAGE_REVIEW');
      await decide((await until('a link', () => caseLink(stack, 'p-vc-201', c.id)))!, {
        decision: 'approve',
        meeting: MEETING,
      });
      await until('publicity', async () => (await getApplication(stack, c.id)).publicity);
    }

    // act 1: killed while they wait; restarted so that it dies right after recording a decision
    await stack.kill('SIGKILL');
    await stack.restart({ FANGFAN_CRASH_AT: 'decision-recorded' });
    const decided = await submit();
    await waitForStage(stack, decided.id, 'GROUP_REVIEW');
    await expect(
      decide((await until('a link', () => caseLink(stack, 'p-gl-201', decided.id)))!, {
        decision: 'approve',
      }),
    ).rejects.toThrow();

    // act 2: dies during intake, after the write and before the workflow starts
    await stack.kill('SIGKILL');
    await stack.restart({ FANGFAN_CRASH_AT: 'application-written' });
    const duringIntake = applicationBody();
    await expect(webhook(stack, '/webhooks/applications', duringIntake)).rejects.toThrow();
    await stack.kill('SIGKILL');
    await stack.restart({});

    // the integrator retries the call that got no answer: same requestId, same body
    const retried = await webhook(stack, '/webhooks/applications', duringIntake);
    expect(retried.status).toBe(202);
    await upload(retried.body.commitment.uploadUrl);
    for (const c of awaitingCommitment) await upload(c.uploadUrl);

    // assess: links issued before the kills still decide
    for (const link of links.values()) expect((await decide(link, { decision: 'approve' })).status).toBe(200);
    const ids = [...awaitingCommitment, ...awaitingApproval, ...inPublicity, decided]
      .map((c) => c.id)
      .concat(retried.body.applicationId);
    const stages = await driveAll(stack, ids, { timeoutMs: 180_000 });
    expect([...stages.values()].every((s) => s === 'ACTIVE')).toBe(true);
    expect((await countItems(stack)).APPLICATION).toBe(ids.length);
    for (const id of ids) {
      const app = await getApplication(stack, id);
      for (const stage of [
        'GROUP_REVIEW',
        'VILLAGE_REVIEW',
        'TOWNSHIP_REVIEW',
        'DISTRICT_FILING',
        'SYSTEM_ENTRY',
      ]) {
        expect(
          app.history.filter(
            (h: { stage: string; decision: string }) => h.stage === stage && h.decision === 'approve',
          ),
        ).toHaveLength(1);
      }
    }
    console.log(
      `R4: ${ids.length} cases through 3 kills (waiting, after a decision, during intake) → ${ids.length} ACTIVE, none duplicated`,
    );
  }, 600_000);
});
