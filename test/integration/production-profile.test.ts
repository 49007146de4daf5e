/**
 * A township's own machine (`FANGFAN_PROFILE=production`): no `/_local/*`, staff signed in only by the
 * deployment's OIDC issuer (an unsigned or a foreign token is refused), and a message going out
 * through the configured channel — Tencent Cloud SMS, here a local HTTPS stand-in that the real
 * adapter reaches with a certificate the machine trusts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_DIRECTORY, SAMPLE_MONITORING_LINES } from '../../infra/local/seed.ts';
import { applicationBody, type RunningStack, startStack, webhook } from '../support/local-stack.ts';

const dir = mkdtempSync(join(tmpdir(), 'fangfan-production-'));
const sms: { headers: Record<string, unknown>; body: any }[] = [];
let stack: RunningStack;
let issuer: string;
let sign: (claims: Record<string, unknown>, options?: { foreign?: boolean }) => Promise<string>;
const servers: { close(): void }[] = [];

beforeAll(async () => {
  // a certificate for 127.0.0.1, trusted by the stack through NODE_EXTRA_CA_CERTS
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const { readFileSync } = await import('node:fs');
  const tencent = createHttpsServer(
    { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
    (req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        sms.push({ headers: req.headers, body: JSON.parse(body) });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ Response: { RequestId: 'r', SendStatusSet: [{ Code: 'Ok' }] } }));
      });
    },
  );
  await new Promise<void>((r) => tencent.listen(0, '127.0.0.1', r));
  servers.push(tencent);

  // the deployment's OIDC issuer: discovery and its signing key; and a foreign key nobody trusts
  const own = await generateKeyPair('RS256');
  const foreign = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(own.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const idp = createHttpServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration')
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    else res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
  servers.push(idp);
  issuer = `http://127.0.0.1:${(idp.address() as { port: number }).port}`;
  sign = (claims, options = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(issuer)
      .setAudience('fangfan-console')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(options.foreign ? foreign.privateKey : own.privateKey);

  writeFileSync(join(dir, 'directory.json'), JSON.stringify(SAMPLE_DIRECTORY));
  writeFileSync(
    join(dir, 'channels.json'),
    JSON.stringify({
      'tencent-sms': {
        secretId: 'AKIDtownship',
        secretKey: 'secret',
        sdkAppId: '1400000001',
        signName: '桃沟乡',
        templates: { APPLICATION_RECEIVED: '1001' },
      },
    }),
  );
  stack = await startStack({
    FANGFAN_PROFILE: 'production',
    FANGFAN_PUBLIC_URL: 'https://fangfan.taogou.example.cn',
    FANGFAN_DIRECTORY: join(dir, 'directory.json'),
    FANGFAN_CHANNELS: join(dir, 'channels.json'),
    NOTIFY_CHANNELS: '["tencent-sms"]',
    TENCENT_SMS_ENDPOINT: `https://127.0.0.1:${(tencent.address() as { port: number }).port}`,
    NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem'),
    OIDC_ISSUER: issuer,
    OIDC_AUDIENCE: 'fangfan-console',
    PERSON_ID_CLAIM: 'personId',
    MONITORING_LINES: JSON.stringify(SAMPLE_MONITORING_LINES),
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
}, 180_000);

afterAll(async () => {
  await stack?.kill();
  for (const server of servers) server.close();
});

const me = (token: string) => fetch(`${stack.url}/me`, { headers: { authorization: `Bearer ${token}` } });

describe('the production profile', () => {
  it('serves no /_local endpoint', async () => {
    for (const path of ['/_local/outbox', '/_local/clock', '/_local/directory', '/_local/stats'])
      expect((await fetch(`${stack.url}${path}`)).status, path).toBe(404);
    const login = await fetch(`${stack.url}/_local/login`, {
      method: 'POST',
      body: '{"personId":"p-tr-105"}',
    });
    expect(login.status).toBe(404);
  });

  it('accepts staff only with the issuer’s signed token', async () => {
    expect((await me(await sign({ personId: 'p-tr-105' }))).status).toBe(200);
    expect((await me(await sign({ personId: 'p-tr-105' }, { foreign: true }))).status).toBe(401);
    const [header, payload] = (await sign({ personId: 'p-tr-105' })).split('.');
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    expect((await me(unsigned)).status).toBe(401);
    expect((await me(`${header}.${payload}.AAAA`)).status).toBe(401);
    expect((await fetch(`${stack.url}/me`)).status).toBe(401);
  });

  it('sends the applicant’s SMS through Tencent Cloud SMS with the registered template', async () => {
    const answer = await webhook(stack, '/webhooks/applications', applicationBody());
    expect(answer.status).toBe(202);
    const applicationId = answer.body.applicationId as string;
    const deadline = Date.now() + 30_000;
    while (!sms.some((s) => s.body.TemplateParamSet?.[0] === applicationId) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    const sent = sms.find((s) => s.body.TemplateParamSet?.[0] === applicationId);
    expect(sent?.body).toMatchObject({
      SmsSdkAppId: '1400000001',
      SignName: '桃沟乡',
      TemplateId: '1001',
      TemplateParamSet: [applicationId],
    });
    expect(String(sent?.headers.authorization)).toMatch(/^TC3-HMAC-SHA256 Credential=AKIDtownship\//);
    expect(sent?.headers['x-tc-action']).toBe('SendSms');
  });

  it('keeps the database on loopback and every data file its owner’s', async () => {
    const { statSync, readdirSync, readFileSync, readlinkSync } = await import('node:fs');
    // DynamoDB Local's process, and the addresses its listening sockets are bound to (from /proc)
    const pid = readdirSync('/proc').find((p) => {
      try {
        return (
          /^\d+$/.test(p) &&
          readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(`${join(stack.dataDir, 'dynamodb')}`) &&
          readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('LoopbackDynamoDb.java')
        );
      } catch {
        return false;
      }
    });
    expect(pid).toBeDefined();
    const inodes = new Set(
      readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
        try {
          return [/^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1]].filter(Boolean);
        } catch {
          return [];
        }
      }),
    );
    const listening = ['tcp', 'tcp6'].flatMap((table) =>
      readFileSync(`/proc/net/${table}`, 'utf8')
        .split('\n')
        .slice(1)
        .map((line) => line.trim().split(/\s+/))
        .filter((f) => f[3] === '0A' && inodes.has(f[9]!))
        .map((f) => f[1]!.split(':')[0]!),
    );
    expect(listening.length).toBeGreaterThan(0);
    // 127.0.0.1 as /proc writes it, in IPv4 or as an IPv4-mapped IPv6 address
    for (const address of listening)
      expect(['0100007F', '0000000000000000FFFF00000100007F']).toContain(address);
    expect(statSync(stack.dataDir).mode & 0o777).toBe(0o700);
    const files = ['dynamodb/shared-local-instance.db', 'keys.json', 'secrets.json'];
    for (const file of files) expect(statSync(join(stack.dataDir, file)).mode & 0o077, file).toBe(0);
    for (const name of readdirSync(join(stack.dataDir, 'dynamodb')))
      expect(statSync(join(stack.dataDir, 'dynamodb', name)).mode & 0o077, name).toBe(0);
  });

  it('refuses to start without an OIDC issuer', async () => {
    await expect(
      startStack({
        FANGFAN_PROFILE: 'production',
        FANGFAN_PUBLIC_URL: 'https://x.example.cn',
        NOTIFY_CHANNELS: '["tencent-sms"]',
      }),
    ).rejects.toThrow(/signs staff in through OIDC: set OIDC_ISSUER/);
  }, 120_000);
});
