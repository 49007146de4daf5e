/** The webhook surface of CONTRACT.md: signatures, replays, idempotency, validation, the commitment scan. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook } from '#http/webhook-auth';
import {
  applicationBody,
  getApplication,
  outbox,
  staffToken,
  until,
  upload,
  useLocalStack,
  waitForStage,
  webhook,
} from '../support/local-stack.ts';

const stack = useLocalStack();

async function post(path: string, raw: string, headers: Record<string, string>) {
  const response = await fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: raw,
  });
  return { status: response.status, body: (await response.json()) as any };
}

function signed(raw: string, overrides: Record<string, string> = {}) {
  const timestamp = overrides.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = overrides.nonce ?? randomBytes(12).toString('hex');
  return {
    'x-fangfan-channel': 'hotline',
    'x-fangfan-timestamp': timestamp,
    'x-fangfan-nonce': nonce,
    'x-fangfan-signature': signWebhook(stack.secrets.hotline, timestamp, nonce, raw),
  };
}

const villageCount = async () =>
  ((await (await fetch(`${stack.url}/_local/outbox`)).json()) as { items: unknown[] }).items.length;

describe('webhooks', () => {
  it('refuses forged, stale and replayed calls and writes nothing', async () => {
    const raw = JSON.stringify(applicationBody());
    const before = await villageCount();
    const forged = await post('/webhooks/applications', raw, {
      ...signed(raw),
      'x-fangfan-signature': 'a'.repeat(64),
    });
    expect(forged).toMatchObject({ status: 401, body: { error: { code: 'BAD_SIGNATURE' } } });
    const stale = await post(
      '/webhooks/applications',
      raw,
      signed(raw, { timestamp: String(Math.floor(Date.now() / 1000) - 301) }),
    );
    expect(stale).toMatchObject({ status: 401, body: { error: { code: 'STALE_TIMESTAMP' } } });
    const headers = signed(raw);
    expect((await post('/webhooks/applications', raw, headers)).status).toBe(202);
    const replay = await post('/webhooks/applications', raw, headers);
    expect(replay).toMatchObject({ status: 409, body: { error: { code: 'REPLAYED_NONCE' } } });
    expect(await villageCount()).toBe(before + 1);
  });

  it('answers a repeated requestId with the first answer, and a changed body with 409', async () => {
    const body = applicationBody();
    const first = await webhook(stack, '/webhooks/applications', body);
    const again = await webhook(stack, '/webhooks/applications', body);
    expect(again.body.applicationId).toBe(first.body.applicationId);
    const changed = await webhook(stack, '/webhooks/applications', { ...body, reason: '另一个理由说明' });
    expect(changed).toMatchObject({ status: 409, body: { error: { code: 'IDEMPOTENCY_MISMATCH' } } });
    const second = await webhook(stack, '/webhooks/applications', {
      ...body,
      requestId: `${body.requestId}-b`,
    });
    expect(second).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });
    expect(second.body.error.message).toContain(first.body.applicationId);
  });

  it('validates with Chinese messages and field paths', async () => {
    const bad = await webhook(
      stack,
      '/webhooks/applications',
      applicationBody({
        applicant: { name: '张三', idNumber: '341302198001011234', phone: '12345' },
        riskTypes: ['ILLNESS', 'NOT_A_RISK'],
        village: '341302999999',
      }),
    );
    expect(bad.status).toBe(400);
    const paths = bad.body.error.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['applicant.idNumber', 'applicant.phone', 'riskTypes.1']));
    expect(bad.body.error.fields.find((f: { path: string }) => f.path === 'applicant.idNumber').message).toBe(
      '身份证号码校验位不正确',
    );
    const unknownVillage = await webhook(
      stack,
      '/webhooks/applications',
      applicationBody({ village: '341302999999' }),
    );
    expect(unknownVillage.body.error.fields[0].path).toBe('village');
    // an amount DynamoDB cannot store is kept to the fen (0), not a 500
    const tiny = await webhook(
      stack,
      '/webhooks/applications',
      applicationBody({ declaredAnnualIncome: 1e-320 }),
    );
    expect(tiny.status).toBe(202);
    expect((await getApplication(stack, tiny.body.applicationId)).household.declaredAnnualIncome).toBe(0);
    const huge = JSON.stringify({ ...applicationBody(), reason: 'x'.repeat(300 * 1024) });
    expect((await post('/webhooks/applications', huge, signed(huge))).status).toBe(413);
  });

  it('quarantines a scan that is not a PDF, JPEG or PNG and tells the applicant', async () => {
    const body = applicationBody({ applicant: { ...applicationBody().applicant, phone: '13833334444' } });
    const submitted = await webhook(stack, '/webhooks/applications', body);
    await upload(submitted.body.commitment.uploadUrl, Buffer.from('MZ this is not a scan'));
    await until('the applicant told', async () =>
      (await outbox(stack, '13833334444')).find((m) => m.text.includes('未通过检查')),
    );
    expect((await getApplication(stack, submitted.body.applicationId)).commitment.status).toBe('QUARANTINED');
    const fresh = await webhook(
      stack,
      `/webhooks/applications/${submitted.body.applicationId}/commitment-url`,
      { requestId: `cu-${body.requestId}` },
    );
    expect(fresh.status).toBe(200);
    // the same requestId on another application's commitment-url is not a repeat of this one: it gets
    // no upload URL of this application
    const other = await webhook(stack, '/webhooks/applications', applicationBody());
    const reused = await webhook(stack, `/webhooks/applications/${other.body.applicationId}/commitment-url`, {
      requestId: `cu-${body.requestId}`,
    });
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_MISMATCH');
    expect(JSON.stringify(reused.body)).not.toContain(submitted.body.applicationId);
    await upload(
      fresh.body.commitment.uploadUrl,
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]),
    );
    const moved = await waitForStage(stack, submitted.body.applicationId, 'GROUP_REVIEW');
    expect(moved.commitment.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('publishes the OpenAPI document generated from the schemas', async () => {
    const doc = (await (await fetch(`${stack.url}/openapi.json`)).json()) as any;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/webhooks/applications', '/webhooks/objections', '/approvals/{id}']),
    );
    const { readFileSync } = await import('node:fs');
    expect(JSON.parse(readFileSync('openapi.json', 'utf8'))).toEqual(doc);
  });

  it('serves the staff API to people whose scope covers the village', async () => {
    const submitted = await webhook(stack, '/webhooks/applications', applicationBody());
    const id = submitted.body.applicationId;
    const get = async (path: string, personId?: string) => {
      const headers: Record<string, string> = personId
        ? { authorization: `Bearer ${await staffToken(stack, personId)}` }
        : {};
      const response = await fetch(`${stack.url}${path}`, { headers });
      return { status: response.status, body: (await response.json()) as any };
    };
    const listed = await get('/villages/341302105201/applications?stage=AWAITING_COMMITMENT', 'p-tr-105');
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((i: { applicationId: string }) => i.applicationId)).toContain(id);
    expect(listed.body.items.every((i: { stage: string }) => i.stage === 'AWAITING_COMMITMENT')).toBe(true);
    expect((await get(`/applications/${id}`, 'p-gl-202')).status).toBe(403);
    expect((await get('/villages/341302105201/applications', 'p-vc-202')).status).toBe(403);
    expect((await get(`/applications/${id}`)).status).toBe(401);
    const badStage = await get('/villages/341302105201/applications?stage=DONE', 'p-df-302');
    expect(badStage).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    const own = await get(`/applications/${id}`, 'p-vc-201');
    expect(own.body.household.head.idNumber).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
  });
});
