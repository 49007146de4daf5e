/**
 * A village cadre opens the personal link of a lead digest in Debian's Chromium, on a phone-sized
 * screen, and records what was found; the link shows only, and is refused for another village.
 */
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import {
  outbox,
  type RunningStack,
  staffRequest,
  startStack,
  until,
  upload,
} from '../support/local-stack.ts';
import { GOOD_ROWS, HEADER, headA, VILLAGE } from '../support/monitoring-fixtures.ts';

let stack: RunningStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack({ FANGFAN_LOCAL_NOW: '2026-03-02T02:00:00Z' });
  browser = await launchChromium();
  mkdirSync('test-results', { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await stack?.kill();
});

describe('lead link', () => {
  it('lists the village’s open leads and records a verification from the form', async () => {
    const staff = (method: string, path: string, body?: unknown, type?: string) =>
      staffRequest(stack, method, path, body, 'p-df-302', type);
    expect(
      (await staff('POST', '/households/import', [HEADER, ...GOOD_ROWS].join('\n'), 'text/csv')).status,
    ).toBe(200);
    const asked = await staff('POST', '/districts/341302/extracts', {
      month: '2026-02',
      department: 'MEDICAL',
    });
    await upload(
      asked.body.upload.uploadUrl,
      Buffer.from(`证件号码,姓名,年度累计个人自付金额,当月门诊自付金额\n${headA},李四,52000,0\n`),
    );
    expect((await staff('POST', '/districts/341302/screenings', { month: '2026-02' })).body.leads).toBe(1);
    const link: string = await until(
      'the digest with its link',
      async () =>
        (await outbox(stack, 'p-vc-201', { settle: false })).find((m: any) =>
          m.text.startsWith('2026-02部门筛查预警'),
        )?.link,
    );
    expect(link).toMatch(new RegExp(`/lead-links/${VILLAGE}\\?t=`));

    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const served = await page.goto(link);
    const policy = (await served!.allHeaders())['content-security-policy'] ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).not.toContain('script-src');
    const text = (await page.textContent('body')) ?? '';
    expect(text).toContain('风险线索核实（1条）');
    expect(text).toContain('李四户');
    expect(text).toContain('医保：年度累计个人自付医疗费用较高（52,000 元）');
    await page.screenshot({ path: 'test-results/lead-link.png', fullPage: true });
    console.log('screenshot: test-results/lead-link.png');
    // opening the page changed nothing
    expect((await staff('GET', `/villages/${VILLAGE}/leads?status=OPEN`)).body.items).toHaveLength(1);

    await page.check('input[name=outcome][value=NO_RISK]');
    await page.fill('textarea[name=text]', '大病保险已报销大部分费用，家庭收入稳定');
    await page.click('button[type=submit]');
    await page.waitForSelector('text=核实结果已登记');
    const [verified] = (await staff('GET', `/villages/${VILLAGE}/leads?status=VERIFIED`)).body.items;
    expect(verified.verification).toMatchObject({
      outcome: 'NO_RISK',
      reason: '大病保险已报销大部分费用，家庭收入稳定',
      byPersonId: 'p-vc-201',
    });
    await page.goto(link);
    expect(await page.textContent('body')).toContain('本村没有待核实的风险线索');

    // the same token for another village, and a broken one, are refused
    const other = await fetch(link.replace(`/lead-links/${VILLAGE}`, '/lead-links/341302105202'));
    expect(other.status).toBe(403);
    const broken = await fetch(`${link}x`);
    expect(broken.status).toBe(403);
  });
});
