/** The webhook surface of CONTRACT.md: signatures, replays, idempotency, validation, the commitment scan. */
import { randomBytes } from 'node:crypto';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { signWebhook } from '#http/webhook-auth';
import {
  applicationBody,
  countItems,
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

function signed(raw: string | Buffer, overrides: Record<string, string> = {}) {
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

  it('refuses what is not UTF-8 JSON of one spelling: media types, repeated keys, hidden characters', async () => {
    const before = await countItems(stack);
    const body = applicationBody();
    const raw = JSON.stringify(body);
    const send = async (bytes: string | Buffer, type?: string) => {
      const headers: Record<string, string> = { ...signed(bytes) };
      if (type !== undefined) headers['content-type'] = type;
      const response = await fetch(`${stack.url}/webhooks/applications`, {
        method: 'POST',
        headers: type === undefined ? { ...headers, 'content-type': '' } : headers,
        body: bytes,
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/json; charset=gbk',
      '',
    ])
      expect((await send(raw, type)).status, type).toBe(415);
    expect((await send(raw, 'text/plain')).body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    // a key given twice: JSON.parse would keep the last one silently
    const twice = raw.replace('"reason":', '"reason":"第一次","reason":');
    const repeated = await send(twice, 'application/json');
    expect(repeated.status).toBe(400);
    expect(repeated.body.error.fields[0]).toMatchObject({ path: 'reason', message: '字段重复出现' });
    const named = (name: string) => JSON.stringify({ ...body, applicant: { ...body.applicant, name } });
    for (const [name, message] of [
      ['张\u0000三', '控制字符'],
      ['\u202e三张', '双向控制字符'],
      ['张\r\n三', '换行'],
      ['\u200b\u200d', '不可见字符'],
    ] as const) {
      const answer = await send(named(name), 'application/json');
      expect(answer.status, JSON.stringify(name)).toBe(400);
      expect(answer.body.error.fields[0].path).toMatch(/^applicant\.name/);
      expect(answer.body.error.fields[0].message).toContain(message);
    }
    // a lone surrogate, as JSON escapes it
    const lone = raw.replace(/"name":"[^"]+"/, '"name":"张\\ud800"');
    const surrogate = await send(lone, 'application/json');
    expect(surrogate.status).toBe(400);
    expect(surrogate.body.error.fields[0].message).toContain('孤立代理项');
    // bytes that are not UTF-8, signed as sent: a 400 that says so, not a signature failure
    const latin = Buffer.concat([Buffer.from(raw.slice(0, -1)), Buffer.from(',"x":"\xff"}', 'latin1')]);
    const undecodable = await send(latin, 'application/json');
    expect(undecodable.status).toBe(400);
    expect(undecodable.body.error.fields[0].message).toContain('UTF-8');
    expect(await countItems(stack)).toEqual(before);
    // text is kept in NFC: a name typed decomposed is stored composed
    const decomposed = 'Zoe\u0308';
    const accepted = await send(
      JSON.stringify({ ...body, applicant: { ...body.applicant, name: decomposed } }),
      'application/json',
    );
    expect(accepted.status).toBe(202);
    expect((await getApplication(stack, accepted.body.applicationId)).household.head.name).toBe('Zo\u00eb');
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
    const png = new PNG({ width: 4, height: 4 });
    await upload(fresh.body.commitment.uploadUrl, PNG.sync.write(png));
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
