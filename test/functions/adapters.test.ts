/** Adapters to AWS and WeCom, with the SDK mocked: what exactly they send. */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FanOutNotifier, SmsNotifier, WeComAppNotifier, WeComNotifier } from '#notify/notifier';
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
  const message = {
    to: { personId: 'p1', name: '王书记', phone: '13900000211' },
    text: '请审核',
    link: 'https://x/approvals/a?t=b',
  };

  it('posts digests to a WeCom group robot, never a personal link nor an applicant’s message', async () => {
    const post = vi.fn(async () => new Response('{"errcode":0}', { status: 200 }));
    const robot = new WeComNotifier('https://robot.example/send?key=k', post as unknown as typeof fetch);
    const digest = { ...message, link: undefined, text: '本周逾期3件' };
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
      text: { content: '请审核\nhttps://x/approvals/a?t=b' },
      safe: 0,
    });
  });

  it('sends only through the channels that reach the person, the rest logged as undeliverable', async () => {
    const robot = { personal: false, reaches: vi.fn(async () => true), send: vi.fn(async () => {}) };
    const app = { personal: true, reaches: vi.fn(async () => false), send: vi.fn(async () => {}) };
    await new FanOutNotifier([robot, app]).send(message);
    expect(app.send).not.toHaveBeenCalled();
    expect(robot.send).toHaveBeenCalledTimes(1);
  });

  it('fails loudly when the robot refuses, so the step is retried', async () => {
    const post = vi.fn(async () => new Response('', { status: 500 }));
    await expect(
      new WeComNotifier('https://robot.example', post as unknown as typeof fetch).send({
        ...message,
        link: undefined,
      }),
    ).rejects.toThrow('500');
  });

  it('sends an SMS through SNS to the +86 number', async () => {
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    await new SmsNotifier().send(message);
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input).toEqual({
      PhoneNumber: '+8613900000211',
      Message: '请审核 https://x/approvals/a?t=b',
    });
    sns.restore();
  });
});
