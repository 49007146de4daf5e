/**
 * The use cases called directly, on the in-memory store with fake documents, workflows and clock:
 * what they write, what they start, what they refuse — no HTTP, no AWS.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { CaseError } from '#cases/errors';
import { receiveCommitment, submitApplication } from '#cases/identification/applications';
import { decide, openApprovalLink } from '#cases/identification/approvals';
import { activate, awaitCommitment, requestApproval } from '#cases/identification/steps';
import type { VerifiedWebhook } from '#cases/requests';
import { MissingMonitoringLineError } from '#domain/monitoring-line';
import type { ApplicationRequest } from '#schemas/webhooks';
import { sampleIdNumber } from '../../infra/local/seed.ts';
import { fakeContext } from '../support/fake-context.ts';
import { PDF } from '../support/local-stack.ts';

// the one setting these use cases read: where approval links point
beforeAll(() => {
  vi.stubEnv('PUBLIC_BASE_URL', 'https://fangfan.test');
});

let nonces = 0;
const webhook = (): VerifiedWebhook => ({
  channel: 'hotline',
  nonce: `n-${++nonces}`,
  timestamp: 0,
  route: 'POST /webhooks/applications',
});

const request = (overrides: Partial<ApplicationRequest> = {}): ApplicationRequest => ({
  requestId: `req-${++nonces}`,
  village: '341302105201',
  group: '第三村民小组',
  applicant: { name: '张三', idNumber: sampleIdNumber('34130219800101123'), phone: '13800000000' },
  reason: '妻子患尿毒症，年自付医疗费用约4万元',
  riskTypes: ['ILLNESS'],
  declaredAnnualIncome: 21000,
  householdSize: 4,
  ...overrides,
});

async function refusal(promise: Promise<unknown>): Promise<CaseError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CaseError);
  return error as CaseError;
}

describe('intake, called directly', () => {
  it('opens a case waiting for its commitment, locks the applicant and starts the workflow once', async () => {
    const ctx = fakeContext();
    const body = request();
    const opened = await submitApplication(ctx, webhook(), body, JSON.stringify(body));

    expect(opened.stage).toBe('AWAITING_COMMITMENT');
    const stored = ctx.store.applications.get(opened.applicationId)!;
    expect(stored.channel).toBe('hotline');
    expect(opened.commitment?.uploadUrl).toBe(
      `https://documents.test/${stored.commitment.key}?put&expires=86400`,
    );
    expect([...ctx.store.locks.values()]).toEqual([{ openApplicationId: opened.applicationId }]);
    expect(ctx.store.audit.map((a) => a.action)).toEqual(['APPLICATION_SUBMITTED']);
    expect(ctx.workflows.started).toEqual([
      {
        workflow: 'identification',
        caseId: opened.applicationId,
        input: expect.objectContaining({ applicationId: opened.applicationId, village: body.village }),
      },
    ]);

    // the integrator's retry: same requestId and body, the same answer, nothing written twice
    const again = await submitApplication(ctx, webhook(), body, JSON.stringify(body));
    expect(again).toEqual(opened);
    expect(ctx.store.applications.size).toBe(1);
    expect(ctx.store.audit).toHaveLength(1);
    expect(ctx.workflows.started).toHaveLength(1);
  });

  it('refuses a second case of the same applicant, naming the open one, and writes nothing', async () => {
    const ctx = fakeContext();
    const first = request();
    const opened = await submitApplication(ctx, webhook(), first, JSON.stringify(first));
    const second = request({ reason: '再次申请' });
    const error = await refusal(submitApplication(ctx, webhook(), second, JSON.stringify(second)));
    expect(error.code).toBe('CONFLICT');
    expect(error.extra).toEqual({ applicationId: opened.applicationId });
    expect(ctx.store.applications.size).toBe(1);
    expect(ctx.store.requests.size).toBe(1);
  });

  it('refuses a village outside the township on its field', async () => {
    const ctx = fakeContext();
    const body = request({ village: '341302105299' });
    const error = await refusal(submitApplication(ctx, webhook(), body, JSON.stringify(body)));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.fields).toEqual([{ path: 'village', message: '村代码不在本系统辖区内' }]);
    expect(ctx.store.applications.size + ctx.store.audit.length + ctx.workflows.started.length).toBe(0);
  });

  it('a scan under a key no upload URL was issued for is quarantined and changes no case', async () => {
    const ctx = fakeContext();
    const body = request();
    const opened = await submitApplication(ctx, webhook(), body, JSON.stringify(body));
    const stray = `commitments/341302105201/${opened.applicationId}/stray.pdf`;
    await ctx.documents.write(stray, PDF, 'application/pdf');
    await receiveCommitment(ctx, stray, PDF.length);
    expect(ctx.documents.moved).toEqual([[stray, stray.replace('commitments/', 'quarantine/')]]);
    expect(ctx.store.applications.get(opened.applicationId)!.commitment.status).toBe('PENDING');
  });

  it('the issued scan is accepted and hands the waiting step its result', async () => {
    const ctx = fakeContext();
    const body = request();
    const opened = await submitApplication(ctx, webhook(), body, JSON.stringify(body));
    await awaitCommitment(ctx, {
      applicationId: opened.applicationId,
      taskToken: 'tok-commitment',
      escalation: 0,
    });
    const { key } = ctx.store.applications.get(opened.applicationId)!.commitment;
    await ctx.documents.write(key, PDF, 'text/html');
    await receiveCommitment(ctx, key, PDF.length);
    const stored = ctx.store.applications.get(opened.applicationId)!;
    expect(stored.commitment).toMatchObject({ status: 'ACCEPTED', contentType: 'application/pdf' });
    expect(ctx.workflows.completed).toEqual([
      { taskToken: 'tok-commitment', output: { escalation: 0, commitment: 'ACCEPTED' } },
    ]);
  });
});

describe('an approval, called directly', () => {
  async function groupReview() {
    const ctx = fakeContext();
    const body = request();
    const opened = await submitApplication(ctx, webhook(), body, JSON.stringify(body));
    const app = ctx.store.applications.get(opened.applicationId)!;
    app.commitment.status = 'ACCEPTED';
    await requestApproval(ctx, {
      applicationId: opened.applicationId,
      stage: 'GROUP_REVIEW',
      taskToken: 'tok-group',
      escalation: 0,
    });
    const link = ctx.store.outbox
      .flatMap((m) => JSON.stringify(m).match(/approvals\/[\w-]+\?t=[\w.-]+/g) ?? [])
      .at(0)!;
    const [, approvalId, token] = /approvals\/([\w-]+)\?t=([\w.-]+)/.exec(link)!;
    return { ctx, applicationId: opened.applicationId, approvalId: approvalId!, token: token! };
  }

  it('opens the approval with the stage, sends the group leader a link, and records one decision', async () => {
    const { ctx, applicationId, approvalId, token } = await groupReview();
    expect(ctx.store.applications.get(applicationId)!.stage).toBe('GROUP_REVIEW');
    expect(ctx.store.approvals.get(approvalId)).toMatchObject({ status: 'PENDING', approvers: ['p-gl-201'] });

    const access = await openApprovalLink(ctx, approvalId, token);
    expect(await decide(ctx, access, { decision: 'approve' })).toMatchObject({ status: 'recorded' });
    expect(ctx.store.approvals.get(approvalId)!.status).toBe('DECIDED');
    expect(ctx.workflows.completed).toEqual([
      { taskToken: 'tok-group', output: expect.objectContaining({ decision: 'approve', escalation: 0 }) },
    ]);
    expect(ctx.store.audit.filter((a) => a.action === 'APPROVAL_DECIDED')).toHaveLength(1);

    // the same link again: refused, nothing recorded twice
    const twice = await refusal(
      decide(ctx, await openApprovalLink(ctx, approvalId, token), { decision: 'approve' }),
    );
    expect(twice.code).toBe('ALREADY_DECIDED');
    expect(ctx.workflows.completed).toHaveLength(1);
  });

  it('a link past its expiry on the business clock is refused as expired', async () => {
    const { ctx, approvalId, token } = await groupReview();
    ctx.clock.advance(400 * 24 * 3600 * 1000);
    await expect(openApprovalLink(ctx, approvalId, token)).rejects.toMatchObject({ code: 'LINK_EXPIRED' });
    expect(ctx.store.approvals.get(approvalId)!.status).toBe('PENDING');
  });
});

describe('activation, called directly', () => {
  async function enteredCase() {
    const ctx = fakeContext();
    const body = request({ declaredAnnualIncome: 26000 }); // 6,500 per person
    const opened = await submitApplication(ctx, webhook(), body, JSON.stringify(body));
    const app = ctx.store.applications.get(opened.applicationId)!;
    app.stage = 'SYSTEM_ENTRY';
    return { ctx, applicationId: opened.applicationId };
  }

  it('judges the object type against the line of the year the income was declared in', async () => {
    vi.stubEnv(
      'MONITORING_LINES',
      JSON.stringify([{ region: '3413', year: 2026, amount: 7000, source: '测试' }]),
    );
    const { ctx, applicationId } = await enteredCase();
    await activate(ctx, { applicationId });
    const active = ctx.store.applications.get(applicationId)!;
    expect(active.stage).toBe('ACTIVE');
    // 6,500 is below 2026's 7,000: a marginal household, not the sudden-hardship kind a 6,000 fallback gave
    expect(active.kind !== 'ELIMINATION' && active.outcome?.monitoringObjectType).toBe('MARGINAL');
  });

  it('refuses to activate in a year without a configured line, rather than assume 6,000 元', async () => {
    vi.stubEnv('MONITORING_LINES', '[]');
    const { ctx, applicationId } = await enteredCase();
    await expect(activate(ctx, { applicationId })).rejects.toBeInstanceOf(MissingMonitoringLineError);
    expect(ctx.store.applications.get(applicationId)!.stage).toBe('SYSTEM_ENTRY');
    expect(ctx.store.households.size).toBe(0);
  });
});
