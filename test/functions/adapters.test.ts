/** Adapters to AWS and WeCom, with the SDK mocked: what exactly they send. */
import { createServer } from 'node:http';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compose, providerTemplate } from '#notify/messages';
import { SmsNotifier, TencentSmsNotifier, WeComAppNotifier, WeComNotifier } from '#notify/notifier';
import { resetContainers } from '#runtime/container';
import { channelSecret, deriveKey, secrets } from '#runtime/secrets';

afterEach(() => {
  for (const name of ['KEYS_SECRET_ARN', 'HOTLINE_SECRET_ARN', 'MINIPROGRAM_SECRET_ARN'])
    delete process.env[name];
  resetContainers();
});

describe('secrets on AWS', () => {
  it('reads the three generated secrets once and derives the internal keys', async () => {
    // prepare
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand, { SecretId: 'keys' }).resolves({ SecretString: 'master' });
    sm.on(GetSecretValueCommand, { SecretId: 'hotline' }).resolves({ SecretString: 'hl' });
    sm.on(GetSecretValueCommand, { SecretId: 'mp' }).resolves({ SecretString: 'mp-secret' });
    Object.assign(process.env, {
      KEYS_SECRET_ARN: 'keys',
      HOTLINE_SECRET_ARN: 'hotline',
      MINIPROGRAM_SECRET_ARN: 'mp',
    });
    // act
    const first = await secrets();
    const again = await secrets();
    const channels = [
      await channelSecret('hotline'),
      await channelSecret('mini-program'),
      await channelSecret('hotline'),
    ];
    // assess
    expect(first).toMatchObject({ linkKey: deriveKey('master', 'approval-links') });
    expect(channels).toEqual(['hl', 'mp-secret', 'hl']);
    expect(first.linkKey).not.toBe(first.idHmacKey);
    expect(first.linkKey).toMatch(/^[0-9a-f]{64}$/);
    expect(again).toEqual(first);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(3);
    sm.restore();
  });
});

describe('settings', () => {
  it('fails naming the variable and the function when a deployment setting is missing', async () => {
    // prepare
    const { assertConfigured, config } = await import('#runtime/config');
    Object.assign(process.env, {
      FANGFAN_FUNCTION: 'registry-files',
      FANGFAN_SETTINGS: 'TABLE_NAME,STATE_MACHINE_ARN',
      TABLE_NAME: 't',
    });
    delete process.env.STATE_MACHINE_ARN;
    // act, assess
    expect(() => assertConfigured()).toThrow(/registry-files has no setting STATE_MACHINE_ARN/);
    expect(() => config.stateMachineArn).toThrow(/STATE_MACHINE_ARN/);
    process.env.NOTIFY_CHANNELS = '[]';
    expect(() => config.notifyChannels).toThrow(/NOTIFY_CHANNELS/);
    process.env.STATE_MACHINE_ARN = 'arn';
    expect(() => assertConfigured()).not.toThrow();
    for (const name of [
      'FANGFAN_FUNCTION',
      'FANGFAN_SETTINGS',
      'TABLE_NAME',
      'STATE_MACHINE_ARN',
      'NOTIFY_CHANNELS',
    ])
      delete process.env[name];
  });
});

describe('notifiers', () => {
  const message = compose(
    'APPROVAL_REQUEST',
    { personId: 'p1', name: '王书记', phone: '13900000211' },
    '341302001001',
    {
      village: '张庄村',
      group: '一组',
      applicant: '张三',
      caseTitle: '纳入监测申请',
      step: '村委会审核',
      applicationId: 'A1',
    },
    'https://x/approvals/a?t=b',
  );
  const digest = { ...message, link: undefined, text: '本周逾期3件' };

  it('posts digests to a WeCom group robot, never a personal link nor an applicant’s message', async () => {
    const post = vi.fn(async () => new Response('{"errcode":0}', { status: 200 }));
    const robot = new WeComNotifier('https://robot.example/send?key=k', post as unknown as typeof fetch);
    expect(await robot.reaches(digest)).toBe(true);
    expect(await robot.reaches(message)).toBe(false);
    expect(await robot.reaches({ ...digest, to: { name: '张三', phone: '13800000000' } })).toBe(false);
    await robot.send(digest);
    const [url, init] = post.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('https://robot.example/send?key=k');
    expect(JSON.parse(String(init.body))).toEqual({
      msgtype: 'markdown',
      markdown: { content: '**王书记**：本周逾期3件' },
    });
    await expect(robot.send(message)).rejects.toThrow(/never carries a personal link/);
  });

  it('sends a WeCom application message to the person’s WeCom user id, renewing an expired token once', async () => {
    // prepare: WeCom answers a token, then "expired" once, then ok
    const answers = [
      { errcode: 0, access_token: 'T1', expires_in: 7200 },
      { errcode: 42001 },
      { errcode: 0, access_token: 'T2', expires_in: 7200 },
      { errcode: 0 },
    ];
    const post = vi.fn(async () => new Response(JSON.stringify(answers.shift())));
    const app = new WeComAppNotifier(
      async () => ({ corpId: 'ww1', agentId: '1000002', secret: 's' }),
      async (personId) => (personId === 'p1' ? 'WangShuJi' : undefined),
      'https://wecom.example',
      post as unknown as typeof fetch,
    );
    // act
    expect(await app.reaches(message)).toBe(true);
    expect(await app.reaches({ ...message, to: { name: '张三', phone: '13800000000' } })).toBe(false);
    await app.send(message);
    // assess
    const calls = post.mock.calls as unknown as [string, RequestInit][];
    expect(calls.map(([url]) => url)).toEqual([
      'https://wecom.example/cgi-bin/gettoken?corpid=ww1&corpsecret=s',
      'https://wecom.example/cgi-bin/message/send?access_token=T1',
      'https://wecom.example/cgi-bin/gettoken?corpid=ww1&corpsecret=s',
      'https://wecom.example/cgi-bin/message/send?access_token=T2',
    ]);
    expect(JSON.parse(String(calls[3]![1].body))).toEqual({
      touser: 'WangShuJi',
      msgtype: 'text',
      agentid: 1000002,
      text: { content: `${message.text}\nhttps://x/approvals/a?t=b` },
      safe: 0,
      enable_duplicate_check: 1,
      duplicate_check_interval: 14_400,
    });
  });

  it('fails loudly when the robot refuses, so the sender tries again', async () => {
    const post = vi.fn(async () => new Response('', { status: 500 }));
    await expect(
      new WeComNotifier('https://robot.example', post as unknown as typeof fetch).send(digest),
    ).rejects.toThrow('500');
  });

  it('sends an SMS through SNS to the +86 number, with the message id', async () => {
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    await new SmsNotifier().send(message);
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input).toEqual({
      PhoneNumber: '+8613900000211',
      Message: `${message.text} https://x/approvals/a?t=b`,
      MessageAttributes: { 'fangfan.messageId': { DataType: 'String', StringValue: message.messageId } },
    });
    sns.restore();
  });

  it('sends Tencent Cloud SMS: a signed SendSms with the kind’s template id and its parameters in order', async () => {
    // prepare: a stand-in for sms.tencentcloudapi.com that answers as Tencent does
    const requests: { headers: Record<string, string | string[] | undefined>; body: any }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        requests.push({ headers: req.headers, body: JSON.parse(body) });
        const ok = requests.length === 1;
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            Response: {
              RequestId: 'r1',
              SendStatusSet: [
                { Code: ok ? 'Ok' : 'LimitExceeded.PhoneNumberDailyLimit', SessionContext: body },
              ],
            },
          }),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const account = {
      secretId: 'AKIDexample',
      secretKey: 'key',
      sdkAppId: '1400000001',
      signName: '防返',
      templates: { APPROVAL_REQUEST: '2000001' },
    };
    const sms = new TencentSmsNotifier(async () => account, `http://127.0.0.1:${port}`);
    try {
      // act
      expect(await sms.reaches(message)).toBe(true);
      expect(await sms.reaches({ ...message, kind: 'VISIT_DUE' })).toBe(false);
      await sms.send(message);
      await expect(sms.send(message)).rejects.toThrow('LimitExceeded.PhoneNumberDailyLimit');
    } finally {
      server.close();
    }
    // assess: TC3 signature (its service label is the host's first, `sms` on Tencent's own host),
    // action and version, and the template's parameters then the link
    const [first] = requests;
    expect(String(first!.headers.authorization)).toMatch(
      /^TC3-HMAC-SHA256 Credential=AKIDexample\/\d{4}-\d\d-\d\d\/[^/]+\/tc3_request, SignedHeaders=\S+, Signature=[0-9a-f]{64}$/,
    );
    expect(first!.headers['x-tc-action']).toBe('SendSms');
    expect(first!.headers['x-tc-version']).toBe('2021-01-11');
    expect(first!.body).toEqual({
      SmsSdkAppId: '1400000001',
      SignName: '防返',
      TemplateId: '2000001',
      PhoneNumberSet: ['+8613900000211'],
      TemplateParamSet: [
        '张庄村',
        '一组',
        '张三',
        '纳入监测申请',
        '村委会审核',
        'A1',
        'https://x/approvals/a?t=b',
      ],
      SessionContext: message.messageId,
    });
    expect(providerTemplate('APPROVAL_REQUEST', true)).toBe('请审核{1}{2}{3}户的{4}（{5}，编号{6}）。{7}');
  });
});
