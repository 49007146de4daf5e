/**
 * Staff sign in to the console through an OIDC provider (authorization code with PKCE), as on AWS China
 * or any deployment with an external issuer: Debian's Chromium goes to a real OIDC provider started here
 * (`oidc-provider`, a certified implementation), signs in, comes back with a code, and the console's
 * staff API calls are authorized by the provider's ID token. A forged or foreign token is refused.
 */

import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { SignJWT } from 'jose';
import Provider from 'oidc-provider';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/net.ts';
import { launchChromium } from '../support/browser.ts';
import { type RunningStack, startStack } from '../support/local-stack.ts';

let stack: RunningStack;
let browser: Browser;
let server: Server;
let issuer: string;

beforeAll(async () => {
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}`;
  stack = await startStack({
    OIDC_ISSUER: issuer,
    OIDC_AUDIENCE: 'fangfan-console',
    PERSON_ID_CLAIM: 'person_id',
  });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'fangfan-console',
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: [`${stack.url}/console`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], profile: ['person_id', 'name'] },
    conformIdTokenClaims: false,
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({ sub, person_id: sub, name: '乡镇审核员' }),
    }),
    features: { devInteractions: { enabled: true } },
    clientBasedCORS: () => true,
    cookies: { keys: ['fangfan-test-cookie-key'] },
  });
  server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  await stack?.kill();
});

describe('console sign-in through OIDC', () => {
  it('redirects to the provider, comes back with a code and calls the staff API with the ID token', async () => {
    const page = await browser.newPage();
    let authorize: URL | undefined;
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.origin === issuer && url.searchParams.has('response_type')) authorize ??= url;
    });
    await page.goto(`${stack.url}/console`);
    await page.waitForURL((url) => url.origin === issuer, { timeout: 20_000 });
    await page.fill('input[name=login]', 'p-tr-105');
    await page.fill('input[name=password]', 'any');
    await page.click('button[type=submit]');
    // consent, when the provider asks for it
    await page.waitForLoadState();
    if (new URL(page.url()).origin === issuer) await page.click('button[type=submit]');
    await page.waitForURL((url) => url.href.startsWith(`${stack.url}/console`), { timeout: 20_000 });
    // the console read the staff API as that person: the township's campaigns (none yet)
    await page.waitForFunction(() => (globalThis as any).document.body.dataset.ready === '#/campaign', null, {
      timeout: 20_000,
    });
    expect(await page.textContent('main')).toContain('本乡镇尚未组织集中排查');
    const token = await page.evaluate(
      () => (globalThis as any).sessionStorage.getItem('fangfan.token') as string | null,
    );
    expect(token?.split('.')).toHaveLength(3);
    // the staff API takes the provider's token…
    const me = await fetch(`${stack.url}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { personId: string }).personId).toBe('p-tr-105');
    await page.screenshot({ path: 'test-results/console-oidc-signed-in.png' });
    await page.close();
    expect(authorize?.searchParams.get('response_type')).toBe('code');
    expect(authorize?.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize?.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses an unsigned, a foreign-issuer and a local login token', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const foreign = await new SignJWT({ person_id: 'p-tr-105' })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(issuer)
      .setAudience('fangfan-console')
      .setExpirationTime('5m')
      .sign(privateKey);
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ iss: issuer, aud: 'fangfan-console', person_id: 'p-tr-105', exp: 9_999_999_999 }),
    ).toString('base64url')}.`;
    const local = (
      (await (
        await fetch(`${stack.url}/_local/login`, { method: 'POST', body: '{"personId":"p-tr-105"}' })
      ).json()) as { token: string }
    ).token;
    for (const token of [foreign, unsigned, local]) {
      const answer = await fetch(`${stack.url}/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(answer.status).toBe(401);
    }
  });
});
