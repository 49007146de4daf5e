/**
 * R1 forged, stale and replayed calls; R2 duplicate deliveries; R3 concurrent decisions; R6 generated
 * malformed and hostile input on every public endpoint; R8 personal data in logs, outbox, pages, audit and
 * (R12) the table's files. Each prints its
 * figure. CI runs them at small sizes; `npm run test:heavy` at the issue's.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '#http/webhook-auth';
import { openApiDocument } from '#schemas/openapi';
import {
  applicationBody,
  auditTrail,
  countItems,
  decide,
  getApplication,
  linkFor,
  outbox,
  pool,
  rawTable,
  scale,
  staffToken,
  until,
  upload,
  useLocalStack,
  waitForStage,
  webhook,
} from '../support/local-stack.ts';
import {
  countBy,
  getPath,
  type JsonSchema,
  jsonType,
  requiredPaths,
  setPath,
} from '../support/schema-paths.ts';

const stack = useLocalStack({ POWERTOOLS_LOG_LEVEL: 'DEBUG' });
let logs = '';

beforeAll(() => {
  stack.onOutput((chunk) => {
    logs += chunk;
  });
});

function headersFor(raw: string | Buffer, o: { secret?: string; timestamp?: number; nonce?: string } = {}) {
  const timestamp = String(o.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = o.nonce ?? randomBytes(12).toString('hex');
  return {
    'content-type': 'application/json',
    'x-fangfan-channel': 'hotline',
    'x-fangfan-timestamp': timestamp,
    'x-fangfan-nonce': nonce,
    'x-fangfan-signature': signWebhook(o.secret ?? stack.secrets.hotline, timestamp, nonce, raw),
  };
}

const send = async (path: string, raw: string, headers: Record<string, string>) => {
  const response = await fetch(`${stack.url}${path}`, { method: 'POST', headers, body: raw });
  await response.arrayBuffer();
  return response.status;
};

describe('R1 forged, stale and replayed webhook calls', () => {
  it('accepts none and writes nothing', async () => {
    // prepare: one accepted call whose headers are then replayed
    const acceptedRaw = JSON.stringify(applicationBody());
    const acceptedHeaders = headersFor(acceptedRaw);
    expect(await send('/webhooks/applications', acceptedRaw, acceptedHeaders)).toBe(202);
    const acceptedId = (
      (await (await fetch(`${stack.url}/_local/outbox`)).json()) as { items: { text: string }[] }
    ).items
      .map((m) => /编号(\d{12}-\w+)/.exec(m.text)?.[1])
      .filter(Boolean)
      .at(-1)!;
    // let its workflow park at the commitment before counting
    await until('the case parked', async () =>
      (await auditTrail(stack, acceptedId)).some((a) => a.action === 'COMMITMENT_AWAITED'),
    );
    const before = await countItems(stack);
    const n = scale(150, 1000);
    // act
    const statuses = await pool(
      Array.from({ length: n }, (_, i) => i),
      20,
      async (i) => {
        const raw = JSON.stringify(applicationBody());
        switch (i % 4) {
          case 0:
            return send('/webhooks/applications', raw, headersFor(raw, { secret: 'not-the-secret' }));
          case 1:
            return send(
              '/webhooks/applications',
              raw,
              headersFor(raw, { timestamp: Math.floor(Date.now() / 1000) - 301 - i }),
            );
          case 2:
            return send('/webhooks/applications', acceptedRaw, acceptedHeaders);
          default: {
            const h = headersFor(raw);
            return send(
              '/webhooks/applications',
              JSON.stringify({ ...JSON.parse(raw), reason: '篡改后的申请理由' }),
              h,
            );
          }
        }
      },
    );
    // assess
    const accepted = statuses.filter((s) => s < 300).length;
    console.log(
      `R1: ${n} forged/stale/replayed calls → ${accepted} accepted; statuses ${JSON.stringify(countBy(statuses))}`,
    );
    expect(accepted).toBe(0);
    expect(statuses.every((s) => s === 401 || s === 409)).toBe(true);
    expect(await countItems(stack)).toEqual(before);
  });
});

describe('R2 each legitimate application delivered 5 times concurrently', () => {
  it('creates exactly one application each', async () => {
    const n = scale(40, 200);
    const bodies = Array.from({ length: n }, () =>
      applicationBody({ village: '341302105202', group: '第二村民小组' }),
    );
    const before = (await countItems(stack)).APPLICATION ?? 0;
    const answers = await pool(
      bodies.flatMap((body) => Array.from({ length: 5 }, () => body)),
      50,
      (body) => webhook(stack, '/webhooks/applications', body),
    );
    const ids = new Map<string, Set<string>>();
    for (const [i, answer] of answers.entries()) {
      expect(answer.status).toBe(202);
      const key = bodies[Math.floor(i / 5)]!.requestId;
      ids.set(key, (ids.get(key) ?? new Set()).add(answer.body.applicationId));
    }
    const created = ((await countItems(stack)).APPLICATION ?? 0) - before;
    console.log(`R2: ${n} applications × 5 deliveries → ${created} applications created`);
    expect([...ids.values()].every((set) => set.size === 1)).toBe(true);
    expect(created).toBe(n);
  });
});

describe('R3 concurrent decisions on one approval', () => {
  it('records exactly one; the rest are 409 and the workflow moves once', async () => {
    const submitted = await webhook(stack, '/webhooks/applications', applicationBody());
    await upload(submitted.body.commitment.uploadUrl);
    const id = submitted.body.applicationId;
    await waitForStage(stack, id, 'GROUP_REVIEW');
    const link = await linkFor(stack, 'p-gl-201', id);
    const n = 100;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        decide(link, i % 2 ? { decision: 'approve' } : { decision: 'reject', comment: `并发测试${i}` }),
      ),
    );
    const recorded = results.filter((r) => r.status === 200);
    console.log(
      `R3: ${n} concurrent decisions → ${recorded.length} recorded; statuses ${JSON.stringify(countBy(results.map((r) => r.status)))}`,
    );
    for (const r of results.filter((r) => r.status !== 200 && r.status !== 409))
      console.log(JSON.stringify(r.body));
    expect(recorded).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(n - 1);
    const final = recorded[0]!.body.stage === 'REJECTED' ? 'REJECTED' : 'VILLAGE_REVIEW';
    await waitForStage(stack, id, final);
    const app = await getApplication(stack, id);
    expect(
      app.history.filter((h: { stage: string; decision: string }) => h.stage === 'GROUP_REVIEW'),
    ).toHaveLength(1);
  });
});

describe('R6 generated malformed input on every public endpoint', () => {
  it('never answers 5xx and never writes', async () => {
    const submitted = await webhook(
      stack,
      '/webhooks/applications',
      applicationBody({ village: '341302105203', group: '第一村民小组' }),
    );
    await upload(submitted.body.commitment.uploadUrl);
    await waitForStage(stack, submitted.body.applicationId, 'GROUP_REVIEW');
    const link = await linkFor(stack, 'p-gl-203', submitted.body.applicationId);
    const before = await countItems(stack);
    const validApplication = applicationBody();
    const validObjection = {
      requestId: 'obj-0000001',
      applicationId: submitted.body.applicationId,
      objector: { name: '李四', phone: '13900001111' },
      content: '反映情况',
    };
    const validDecision = { decision: 'approve', comment: '同意' };

    // a mutation that always breaks the schema: a wrong type, a missing required field, or an unknown key
    const junk = fc.oneof(
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
    );
    const breakObject = (valid: Record<string, unknown>, requiredStrings: string[]) =>
      fc.oneof(
        fc
          .record({ field: fc.constantFrom(...requiredStrings), value: junk })
          // a value of another JSON type than the field's (a number for a number could be valid)
          .filter(({ field, value }) => jsonType(value) !== jsonType(getPath(valid, field)))
          .map(({ field, value }) => setPath(valid, field, value)),
        fc.constantFrom(...requiredStrings).map((field) => setPath(valid, field, undefined)),
        fc
          .string({ minLength: 1, maxLength: 12 })
          .filter((k) => !(k in valid))
          .map((key) => ({ ...valid, [key]: 1 })),
        fc.string({ maxLength: 200 }).map((text) => text),
      );
    // the fields to break come from the schemas themselves (their JSON Schema, as published)
    const schemas = openApiDocument().components.schemas as Record<string, JsonSchema>;
    const required = (name: string) => requiredPaths(schemas[name]!);
    const staffToken_ = await staffToken(stack, 'p-df-302');
    const cases = fc.oneof(
      breakObject(validApplication, required('ApplicationRequest')).map((body) => ({
        path: '/webhooks/applications',
        body,
        signed: true as boolean | 'staff',
      })),
      breakObject(validObjection, required('ObjectionRequest')).map((body) => ({
        path: '/webhooks/objections',
        body,
        signed: true as boolean | 'staff',
      })),
      breakObject({ requestId: 'cu-00000001' }, required('CommitmentUrlRequest')).map((body) => ({
        path: `/webhooks/applications/${submitted.body.applicationId}/commitment-url`,
        body,
        signed: true as boolean | 'staff',
      })),
      breakObject(validDecision, required('DecisionRequest')).map((body) => ({
        path: new URL(link).pathname + new URL(link).search,
        body,
        signed: false as boolean | 'staff',
      })),
      fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 })).map(([code, stage]) => ({
        path: `/villages/${encodeURIComponent(code) || 'x'}/applications?stage=${encodeURIComponent(stage)}`,
        body: '',
        signed: 'staff' as boolean | 'staff',
      })),
    );
    const n = scale(400, 10_000);
    const statuses: number[] = [];
    await fc.assert(
      fc.asyncProperty(cases, async ({ path, body, signed }) => {
        const raw = typeof body === 'string' ? body : JSON.stringify(body);
        if (signed === 'staff') {
          const response = await fetch(`${stack.url}${path}`, {
            headers: { authorization: `Bearer ${staffToken_}` },
          });
          await response.arrayBuffer();
          statuses.push(response.status);
          return response.status >= 400 && response.status < 500;
        }
        const headers = signed
          ? headersFor(raw)
          : { 'content-type': 'application/json', accept: 'application/json' };
        const status = await send(path, raw, headers);
        statuses.push(status);
        return status >= 400 && status < 500;
      }),
      { numRuns: n },
    );
    const staff = await fetch(`${stack.url}/villages/not-a-code/applications?stage=%00`, {
      headers: { authorization: 'Bearer x.y' },
    });
    statuses.push(staff.status);
    console.log(`R6: ${n} generated malformed requests → statuses ${JSON.stringify(countBy(statuses))}`);
    expect(statuses.some((s) => s >= 500)).toBe(false);
    expect(await countItems(stack)).toEqual(before);
  }, 900_000);
});

describe('R6 hostile input: hidden characters, repeated keys, media types, bytes, paging, paths, files', () => {
  it('answers every variant with a 4xx and writes nothing', async () => {
    const township = await staffToken(stack, 'p-tr-105');
    const campaign = await fetch(`${stack.url}/townships/341302105/campaigns`, {
      method: 'POST',
      headers: { authorization: `Bearer ${township}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `R6排查${Date.now()}`, year: 2026 }),
    });
    const campaignId = ((await campaign.json()) as { campaignId: string }).campaignId;
    const before = await countItems(stack);
    const valid = applicationBody();
    const HIDDEN = [
      '\u0000',
      '\u0007',
      '\u001b',
      '\u007f',
      '\u202e',
      '\u202a',
      '\u2066',
      '\u200f',
      '\r',
      '\n',
      '\t',
    ];
    const withName = (name: string) => JSON.stringify({ ...valid, applicant: { ...valid.applicant, name } });
    type Probe = { kind: string; run: () => Promise<number> };
    const post = async (raw: string | Buffer, type = 'application/json') => {
      const response = await fetch(`${stack.url}/webhooks/applications`, {
        method: 'POST',
        headers: { ...headersFor(raw as string), 'content-type': type },
        body: raw,
      });
      await response.arrayBuffer();
      return response.status;
    };
    const get = async (path: string, token = township) => {
      const response = await fetch(`${stack.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      await response.arrayBuffer();
      return response.status;
    };
    const probes: fc.Arbitrary<Probe> = fc.oneof(
      fc
        .tuple(fc.string({ maxLength: 4 }), fc.constantFrom(...HIDDEN), fc.string({ maxLength: 4 }))
        .map(([a, bad, b]) => ({
          kind: 'hidden character',
          run: () => post(withName(`张${a}${bad}三${b}`)),
        })),
      fc
        .constantFrom('\u200b', '\u200b\u200d', '\ufeff', ' \u2060 ', '\u00ad')
        .map((name) => ({ kind: 'invisible name', run: () => post(withName(name)) })),
      fc
        .constantFrom('"\\ud800"', '"\\udfff"', '"a\\ud83d"')
        .map((lone) => ({ kind: 'lone surrogate', run: () => post(withName('x').replace('"x"', lone)) })),
      fc.constantFrom('reason', 'village', 'requestId', 'riskTypes').map((key) => ({
        kind: 'repeated key',
        run: () => post(JSON.stringify(valid).replace(`"${key}":`, `"${key}":null,"${key}":`)),
      })),
      fc
        .constantFrom(
          'text/plain',
          'application/xml',
          'multipart/form-data',
          'application/json; charset=gbk',
          'application/jsonx',
        )
        .map((type) => ({ kind: 'media type', run: () => post(JSON.stringify(valid), type) })),
      fc
        .uint8Array({ minLength: 1, maxLength: 8 })
        .map((junk) =>
          Buffer.concat([
            Buffer.from(JSON.stringify(valid).slice(0, -1) + ',"x":"'),
            Buffer.from([0xff, ...junk]),
            Buffer.from('"}'),
          ]),
        )
        .map((bytes) => ({ kind: 'not UTF-8', run: () => post(bytes) })),
      fc.constantFrom('0', '-1', '1001', '1e3', 'abc', '99999').map((limit) => ({
        kind: 'limit',
        run: () => get(`/campaigns/${campaignId}/problems?limit=${limit}`),
      })),
      fc.string({ minLength: 1, maxLength: 60 }).map((cursor) => ({
        kind: 'cursor',
        run: () =>
          get(
            `/campaigns/${campaignId}/problems?cursor=${encodeURIComponent(Buffer.from(cursor).toString('base64url'))}`,
          ),
      })),
      fc.integer({ min: 5, max: 101 }).map((n) => ({
        kind: 'status list',
        run: () =>
          get(
            `/campaigns/${campaignId}/problems?status=${Array.from({ length: n }, () => 'OPEN').join(',')}`,
          ),
      })),
      fc
        .constantFrom('%E0%A4%A', '%', '%zz', '%C0%AF')
        .map((bad) => ({ kind: 'path escape', run: () => get(`/problems/${bad}`) })),
      fc.uint8Array({ minLength: 0, maxLength: 64 }).map((junk) => ({
        kind: 'damaged workbook',
        run: async () => {
          const response = await fetch(`${stack.url}/households/import`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${township}`,
              'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            },
            body: Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from(junk)]),
          });
          await response.arrayBuffer();
          return response.status;
        },
      })),
    );
    const seen: Record<string, number[]> = {};
    await fc.assert(
      fc.asyncProperty(probes, async (probe) => {
        const status = await probe.run();
        seen[probe.kind] = [...(seen[probe.kind] ?? []), status];
        return status >= 400 && status < 500;
      }),
      { numRuns: scale(300, 3000) },
    );
    console.log(
      `R6 hostile: ${Object.entries(seen)
        .map(([kind, statuses]) => `${kind} ${JSON.stringify(countBy(statuses))}`)
        .join('; ')}`,
    );
    expect(await countItems(stack)).toEqual(before);
  }, 900_000);
});

describe('R8 personal data', () => {
  it('never shows a whole ID number or phone number in logs, outbox texts, pages or the table', async () => {
    // what people type into free text, as they type it, and the number each stands for
    const typed: [string, string][] = [
      ['139 8765 4321', '13987654321'],
      ['+86-136-1111-2222', '13611112222'],
      ['341302 19800101 1233', '341302198001011233'],
      ['１３５２２２２３３３３', '13522223333'],
    ];
    const body = applicationBody({
      applicant: { ...applicationBody().applicant, phone: '13712345678' },
      reason: `家中有变故，联系${typed[0]![0]}或${typed[1]![0]}，配偶${typed[2]![0]}，邻居${typed[3]![0]}`,
    });
    const submitted = await webhook(stack, '/webhooks/applications', body);
    await upload(submitted.body.commitment.uploadUrl);
    await waitForStage(stack, submitted.body.applicationId, 'GROUP_REVIEW');
    const link = await linkFor(stack, 'p-gl-201', submitted.body.applicationId);
    const page = await (await fetch(link)).text();
    const rejected = await decide(link, { decision: 'reject', comment: `请联系组长${typed[0]![0]}` });
    expect(rejected.status).toBe(200);
    await until('the applicant told', async () =>
      (await outbox(stack, body.applicant.phone)).find((m) => m.text.includes('未通过')),
    );
    const texts = (await outbox(stack)).map((m) => `${m.text} ${m.link ?? ''}`).join('\n');
    const audit = JSON.stringify(await auditTrail(stack, submitted.body.applicationId));
    const table = rawTable(stack.dataDir);
    const whole = [body.applicant.idNumber, body.applicant.phone, ...typed.flat()];
    console.log(
      `R8: ${logs.length} bytes of logs, ${texts.length} of outbox text, ${page.length} of page, ${audit.length} of audit and ${table.length} of DynamoDB Local's files (R12) checked for ${whole.length} values`,
    );
    for (const value of whole) {
      expect(logs).not.toContain(value);
      expect(texts).not.toContain(value);
      expect(page).not.toContain(value);
      expect(audit).not.toContain(value);
      expect(table, 'R12').not.toContain(value);
    }
    expect(page).toContain(
      `${body.applicant.idNumber.slice(0, 6)}********${body.applicant.idNumber.slice(-4)}`,
    );
    expect(page).toContain('139****4321');
    expect(texts).toContain('139****4321');
  });
});
