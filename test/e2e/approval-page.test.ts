/** An approver opens a personal link in Debian's Chromium, on a phone-sized screen, and approves. */
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import {
  applicationBody,
  getApplication,
  linkFor,
  type RunningStack,
  startStack,
  upload,
  waitForStage,
  webhook,
} from '../support/local-stack.ts';

let stack: RunningStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.kill();
});

describe('approval page', () => {
  it('shows the case masked and records an approval', async () => {
    // prepare
    const submitted = await webhook(stack, '/webhooks/applications', applicationBody());
    await upload(submitted.body.commitment.uploadUrl);
    const id = submitted.body.applicationId;
    await waitForStage(stack, id, 'GROUP_REVIEW');
    const link = await linkFor(stack, 'p-gl-201', id);
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    // act
    const served = await page.goto(link);
    // the page runs no script at all, posts only to itself and is framed by no one
    const policy = (await served!.allHeaders())['content-security-policy'] ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).not.toContain('script-src');
    expect(policy).toContain("form-action 'self'");
    expect((await served!.allHeaders())['x-content-type-options']).toBe('nosniff');
    const text = await page.textContent('body');
    await page.check('input[value="approve"]');
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/approval-page.png', fullPage: true });
    await page.click('button[type="submit"]');
    await page.waitForSelector('text=您的审核意见已记录');
    expect(violations).toEqual([]);
    // assess
    expect(text).toContain('村民小组评议');
    // times in Beijing time, actors in Chinese, and what 退回 does said before choosing it
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    expect(text).not.toContain('system');
    expect(text).toContain('选择“退回”，案件回到：待上传承诺书');
    expect(text).toMatch(/\d{6}\*{8}\d{3}[\dX]/);
    expect(text).not.toContain(submitted.body.applicantIdNumber ?? '341302198001');
    await waitForStage(stack, id, 'VILLAGE_REVIEW');
    expect(
      (await getApplication(stack, id)).history.some((h: { decision: string }) => h.decision === 'approve'),
    ).toBe(true);
    await page.goto(link);
    expect(await page.textContent('body')).toContain('此审批已作出决定');
    console.log('screenshot: test-results/approval-page.png');
  });
});
