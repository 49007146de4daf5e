/** The intake handler with the SDK mocked: a rejected request sends nothing; an accepted one writes once and starts the case. */
import { DynamoDBClient, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signWebhook } from '#http/webhook-auth';
import { resetContainers } from '#runtime/container';
import { sampleIdNumber } from '../../infra/local/seed.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const raw = mockClient(DynamoDBClient);
const sfn = mockClient(SFNClient);
const sm = mockClient(SecretsManagerClient);
const sns = mockClient(SNSClient);

beforeAll(() => {
  // the environment its manifest entry gives it on AWS
  Object.assign(process.env, {
    TABLE_NAME: 'fangfan',
    BUCKET_NAME: 'documents',
    KEYS_SECRET_ARN: 'keys',
    HOTLINE_SECRET_ARN: 'hotline',
    MINIPROGRAM_SECRET_ARN: 'mp',
    NOTIFY_CHANNELS: '["sms"]',
    STATE_MACHINE_ARN: 'arn:aws:states:cn-north-1:123456789012:stateMachine:x',
    AWS_REGION: 'cn-north-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  resetContainers();
});

beforeEach(() => {
  ddb.reset();
  raw.reset();
  sfn.reset();
  sm.reset();
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
  sm.on(GetSecretValueCommand, { SecretId: 'keys' }).resolves({ SecretString: 'master' });
  sm.on(GetSecretValueCommand, { SecretId: 'hotline' }).resolves({ SecretString: 'hotline-secret' });
  sm.on(GetSecretValueCommand, { SecretId: 'mp' }).resolves({ SecretString: 'mp-secret' });
  ddb.on(QueryCommand).resolves({
    Items: [
      { PK: 'DIR', SK: 'V#341302105201', code: '341302105201', name: '桃沟村', groups: ['第三村民小组'] },
    ],
  });
  ddb.on(GetCommand).resolves({});
  ddb.on(TransactWriteCommand).resolves({});
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'x', startDate: new Date() });
});

function event(body: unknown, secret = 'hotline-secret') {
  const text = JSON.stringify(body);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = 'n'.repeat(20);
  return {
    headers: {
      'content-type': 'application/json',
      'x-fangfan-channel': 'hotline',
      'x-fangfan-timestamp': timestamp,
      'x-fangfan-nonce': nonce,
      'x-fangfan-signature': signWebhook(secret, timestamp, nonce, text),
    },
    body: text,
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST' } },
  } as never;
}

const body = {
  requestId: 'hl-20261201-0001',
  village: '341302105201',
  group: '第三村民小组',
  applicant: { name: '张三', idNumber: sampleIdNumber('34130219800101123'), phone: '13800000000' },
  reason: '妻子患尿毒症，年自付医疗费用约4万元',
  riskTypes: ['ILLNESS'],
  declaredAnnualIncome: 21000,
  householdSize: 4,
};

describe('submit-application handler', () => {
  it('refuses a wrong signature before touching DynamoDB or Step Functions', async () => {
    // prepare
    const { handler } = await import('../../functions/submit-application/handler.ts');
    // act
    const result = await handler(event(body, 'wrong'), {} as Context);
    // assess
    expect(result.statusCode).toBe(401);
    expect(ddb.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('writes the application, lock, request, nonce, audit and the applicant’s message in one transaction, then starts the case by its id', async () => {
    const { handler } = await import('../../functions/submit-application/handler.ts');
    const result = await handler(event(body), {} as Context);
    expect(result.statusCode).toBe(202);
    const writes = ddb.commandCalls(TransactWriteCommand);
    expect(writes).toHaveLength(1);
    const items = writes[0]!.args[0].input.TransactItems!;
    expect(items).toHaveLength(6);
    // the receipt SMS is an outbox item of the same transaction, not a call to a provider
    const message = items.find((i) => String(i.Put?.Item?.PK).startsWith('MESSAGE#'))!.Put!.Item!;
    expect(message).toMatchObject({
      type: 'MESSAGE',
      kind: 'APPLICATION_RECEIVED',
      status: 'PENDING',
      round: 0,
    });
    const lock = items.find((i) => i.Update)!.Update!;
    expect(lock.Key!.PK).toMatch(/^ID#[0-9a-f]{40}$/);
    expect(String(lock.Key!.PK)).not.toContain(body.applicant.idNumber);
    const start = sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input;
    expect(start.name).toBe(JSON.parse(result.body!).applicationId);
    expect(raw.commandCalls(TransactWriteItemsCommand)).toHaveLength(0);
  });
});
