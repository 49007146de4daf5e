/**
 * The local twin enforces what AWS enforces: each function sees exactly the environment synthesized
 * for it, keeps its own container state, and is refused what its role does not grant — here with a
 * grant taken out of the manifest, as a first deployment would meet it.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { synthesizeLocalDefinitions } from '../../infra/local/definitions.ts';
import { LocalFunctions } from '../../infra/local/functions.ts';
import { freePort } from '../../infra/local/net.ts';
import { type LocalStack, sampleDeploymentEnv, startLocalStack } from '../../infra/local/stack.ts';
import { FUNCTIONS, type FunctionSpec } from '../../infra/manifest.ts';
import {
  applicationBody,
  type RunningStack,
  sampleIdNumber,
  staffRequest,
  webhook,
} from '../support/local-stack.ts';

describe('each function as Lambda runs it', () => {
  it('sees its synthesized environment and nothing of another function’s, in a container of its own', async () => {
    // prepare: two functions whose handler reports what it sees
    const probe = fileURLToPath(new URL('../fixtures/env-probe.ts', import.meta.url));
    const all = synthesizeLocalDefinitions(sampleDeploymentEnv()).functions;
    const chosen = all.filter((f) => f.name === 'registry-files' || f.name === 'console');
    const functions = new LocalFunctions(
      chosen.map((f) => ({ ...f, entry: probe })),
      {
        dynamodb: 'http://127.0.0.1:1',
        s3: 'http://127.0.0.1:2',
        aws: 'http://127.0.0.1:3',
        api: 'http://api',
        functionUrl: (id) => `http://api/function-urls/${id}/`,
        awsConfigFile: '/dev/null',
        testHooks: true,
      },
    );
    await functions.load();
    process.env.FANGFAN_STRAY = 'not for functions';
    // act
    const files = (await functions.invoke('registry-files', {})) as {
      env: Record<string, string>;
      container: string;
    };
    const page = (await functions.invoke('console', {})) as {
      env: Record<string, string>;
      container: string;
    };
    const again = (await functions.invoke('registry-files', {})) as { container: string };
    // assess
    const registry = chosen.find((f) => f.name === 'registry-files')!;
    for (const [key, value] of Object.entries(registry.environment)) expect(files.env[key]).toBe(value);
    expect(files.env.STATE_MACHINE_ARN).toMatch(/stateMachine:Fangfan-MonitoringApplication$/);
    expect(files.env.FANGFAN_STRAY).toBeUndefined();
    expect(page.env.TABLE_NAME).toBeUndefined();
    expect(page.env.AWS_ACCESS_KEY_ID).not.toBe(files.env.AWS_ACCESS_KEY_ID);
    const runtime = /^(AWS_|FANGFAN_LOCAL$|PATH$|HOME$|LANG$|POWERTOOLS_LOG_LEVEL$)/;
    for (const key of Object.keys(files.env))
      expect(
        key in registry.environment || runtime.test(key),
        `${key} comes from the synthesized function`,
      ).toBe(true);
    expect(again.container).toBe(files.container);
    expect(page.container).not.toBe(files.container);
    delete process.env.FANGFAN_STRAY;
  });
});

describe('a grant taken out of the manifest', () => {
  let stack: LocalStack;
  let running: Pick<RunningStack, 'url' | 'secrets'>;
  const denials: string[] = [];

  beforeAll(async () => {
    const submit = FUNCTIONS['submit-application'] as FunctionSpec;
    const reissue = FUNCTIONS['issue-commitment-url'] as FunctionSpec;
    const households = FUNCTIONS['households-api'] as FunctionSpec;
    const saved = { bucket: submit.bucket, table: reissue.table, reveals: households.reveals };
    // the bucket stays configured, but the commitments/ put grant is gone; the reissue only reads;
    // the household view may no longer decrypt
    submit.bucket = {};
    reissue.table = 'read';
    households.reveals = false;
    const definitions = synthesizeLocalDefinitions(sampleDeploymentEnv());
    submit.bucket = saved.bucket;
    reissue.table = saved.table;
    households.reveals = saved.reveals;
    // the scan function's URL as synthesized is public (both permissions); here it lost them
    expect(definitions.functionUrls).toEqual([
      { functionName: 'commitment-scan', authType: 'NONE', invokeMode: 'RESPONSE_STREAM', public: true },
    ]);
    definitions.functionUrls = definitions.functionUrls.map((url) => ({ ...url, public: false }));
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      denials.push(args.map(String).join(' '));
    });
    const dataDir = mkdtempSync(join(tmpdir(), 'fangfan-strict-'));
    stack = await startLocalStack({ dataDir, port: await freePort(), definitions });
    running = { url: stack.url, secrets: JSON.parse(readFileSync(stack.secretsFile, 'utf8')) };
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    vi.restoreAllMocks();
  });

  it('refuses a function URL whose resource policy lets nobody invoke it, as Lambda does', async () => {
    const answer = await fetch(`${running.url}/function-urls/commitment-scan/?t=x`);
    expect(answer.status).toBe(403);
    expect(((await answer.json()) as { Message: string }).Message).toMatch(/^Forbidden/);
  });

  it('refuses the upload a presigned URL allows only with the signer’s grant', async () => {
    const answer = await webhook(running as RunningStack, '/webhooks/applications', applicationBody());
    expect(answer.status).toBe(202);
    const put = await fetch(answer.body.commitment.uploadUrl, {
      method: 'PUT',
      body: Buffer.from('%PDF-1.4\n'),
    });
    const text = await put.text();
    expect(put.status).toBe(403);
    expect(text).toContain('<Code>AccessDenied</Code>');
    expect(text).toMatch(
      /not authorized to perform: s3:PutObject on resource: arn:aws:s3:::fangfan-documents\/commitments\//,
    );
    expect(text).toContain('(function submit-application)');
  });

  it('refuses a write by a function granted only reads, naming function, action and resource', async () => {
    const first = await webhook(running as RunningStack, '/webhooks/applications', applicationBody());
    const answer = await webhook(
      running as RunningStack,
      `/webhooks/applications/${first.body.applicationId}/commitment-url`,
      { requestId: `req-strict-${Date.now()}` },
    );
    expect(answer.status).toBe(500);
    const denial = denials.find((line) => line.includes('(function issue-commitment-url)'));
    expect(denial).toMatch(
      /AccessDenied: User: arn:aws:sts::000000000000:assumed-role\/\S+ is not authorized to perform: dynamodb:(PutItem|UpdateItem|ConditionCheckItem) on resource: arn:aws:dynamodb:local:000000000000:table\/fangfan/,
    );
  });

  it('refuses to decrypt personal data to a function whose role may only seal it', async () => {
    const head = sampleIdNumber('34130219580808018');
    const csv = [
      '村代码,村民小组,户类型,户主证件号码,联系电话,成员姓名,成员证件号码,与户主关系,健康状况,劳动能力,在校情况,务工情况,参加医保,参加养老保险,享受低保,特困供养,消费型轿车,财政供养人员,企业高管',
      `341302105201,第一村民小组,脱贫户,${head},13800009001,钱七,${head},户主,长期慢性病,普通劳动力,非在校生,稳定务工,是,是,否,否,否,否,否`,
    ].join('\n');
    const staff = (method: string, path: string, body?: unknown, type?: string) =>
      staffRequest(running as RunningStack, method, path, body, 'p-df-302', type);
    expect((await staff('POST', '/households/import', csv, 'text/csv')).status).toBe(200);
    // the list shows masked forms without the key; the one view that decrypts is refused
    const listed = (await staff('GET', '/villages/341302105201/households')).body.items as any[];
    const household = listed.find((h) => h.head?.name === '钱七');
    expect(household.members[0].health).toBe('*');
    expect((await staff('GET', `/households/${household.householdId}`)).status).toBe(500);
    expect(denials.find((line) => line.includes('(function households-api)'))).toMatch(
      /not authorized to perform: kms:Decrypt on resource: arn:aws:kms:local:000000000000:key\//,
    );
  });
});
