/**
 * The township console in Debian's Chromium: sign in, campaign progress by phase, the ledger with its
 * filters and overdue list, the 汇总表 with its chart, the application pipeline, the report, the
 * villages' risk leads, and the undelivered messages.
 * Screenshots land in test-results/.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import {
  advanceClock,
  applicationBody,
  countItems,
  type RunningStack,
  sampleIdNumber,
  staffRequest,
  startStack,
  webhook,
} from '../support/local-stack.ts';

let stack: RunningStack;
let browser: Browser;
let page: Page;
let campaignId: string;

beforeAll(async () => {
  stack = await startStack({
    FANGFAN_LOCAL_NOW: '2026-06-12T02:00:00Z',
    // the SMS provider is down all month: messages wait among the undelivered ones
    FANGFAN_FAULTS: JSON.stringify({ notify: { rate: 1, until: '2026-07-01T00:00:00Z' } }),
  });
  browser = await launchChromium();
  // a campaign with forms in two villages, one line closed and one area problem
  const created = await staffRequest(
    stack,
    'POST',
    '/townships/341302105/campaigns',
    { name: '2026年集中排查', year: 2026 },
    'p-tr-105',
  );
  campaignId = created.body.campaignId;
  const forms = [
    {
      village: '341302105201',
      inspector: 'p-vc-201',
      items: [
        { category: 1, item: 2, problem: '教育资助未到账' },
        { category: 2, item: 6, problem: '符合签约条件未签约家庭医生' },
      ],
    },
    {
      village: '341302105202',
      inspector: 'p-vc-202',
      items: [
        { category: 3, item: 2, problem: '房屋存在安全风险' },
        { category: 7, item: 1, problem: '外出务工不稳定' },
        { category: 12, item: 2, problem: '未制定一户一方案' },
      ],
    },
    {
      village: '341302105203',
      inspector: 'p-vc-203',
      items: [{ category: 4, item: 1, problem: '水质不达标' }],
    },
  ];
  for (const [n, f] of forms.entries()) {
    const filed = await webhook(
      stack,
      '/webhooks/inspections',
      {
        requestId: `console-form-${n}`,
        campaignId,
        village: f.village,
        group: '第一村民小组',
        householdType: 'LIFTED',
        head: {
          name: `户主${n + 1}`,
          idNumber: sampleIdNumber(`34130219660${n + 1}01${String(300 + n)}`),
          phone: '13700000100',
        },
        householdSize: 3,
        items: f.items,
        judgement: { suspectedRisk: false, proposeReview: false },
        inspectorPersonId: f.inspector,
      },
      'mini-program',
    );
    expect(filed.status).toBe(201);
  }
  await staffRequest(
    stack,
    'POST',
    `/campaigns/${campaignId}/problems`,
    {
      level: 'TOWNSHIP',
      category: 4,
      content: '农村供水工程长效管理机制不够健全',
      measure: '制定管护办法',
      responsible: { name: '王乡长', unit: '乡水利站' },
      deadline: '2026-06-14',
    },
    'p-tr-105',
  );
  const line = (
    await staffRequest(
      stack,
      'GET',
      `/campaigns/${campaignId}/problems?unit=341302105201&limit=1`,
      undefined,
      'p-tr-105',
    )
  ).body.items[0];
  let version = line.version;
  for (const [body, who] of [
    [{ action: 'rectify', evidence: '资助已到账' }, 'p-vc-201'],
    [{ action: 'recheck', passed: true }, 'p-tr-105'],
  ] as const) {
    const r = await staffRequest(
      stack,
      'POST',
      `/problems/${line.problemId}/actions`,
      { ...body, version },
      who,
    );
    version = r.body.version;
  }
  await advanceClock(stack, 'P5D'); // 06-17: the township's water line is overdue
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  // the page's own policy refuses nothing it needs
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  mkdirSync('test-results', { recursive: true });
});
const violations: string[] = [];
afterAll(async () => {
  await browser?.close();
  await stack?.kill();
});

const show = async (hash: string, shot: string) => {
  await page.goto(`${stack.url}/console${hash}`);
  await page.waitForFunction((h) => (globalThis as any).document.body.dataset.ready?.startsWith(h), hash);
  await page.screenshot({ path: `test-results/console-${shot}.png`, fullPage: true });
  console.log(`screenshot: test-results/console-${shot}.png`);
  return (await page.textContent('main')) ?? '';
};

describe('township console', () => {
  it('signs in and shows campaign progress by phase', async () => {
    await page.goto(`${stack.url}/console#/login`);
    await page.fill('#person', 'p-tr-105');
    await page.click('#login');
    await page.waitForFunction(() => (globalThis as any).document.body.dataset.ready === '#/campaign');
    const text = await show('#/campaign', 'progress');
    expect(text).toContain('2026年集中排查');
    expect(text).toContain('问题整改及动态管理阶段');
    expect(await page.textContent('.phase.CURRENT')).toContain('问题整改及动态管理阶段');
    expect(await page.textContent('#total')).toBe('7');
    expect(text).toContain('整改进度 14%');
  });

  it('filters the ledger and lists what is overdue', async () => {
    const all = await show('#/ledger', 'ledger');
    expect(all).toContain('问题整改台账（7条）');
    expect(all).toContain('房屋存在安全风险');
    const closed = await show('#/ledger?status=CLOSED', 'ledger-closed');
    expect(closed).toContain('问题整改台账（1条）');
    expect(closed).toContain('教育资助未到账');
    const overdue = await show('#/ledger?overdue=1', 'ledger-overdue');
    expect(overdue).toContain('问题整改台账（1条）');
    expect(overdue).toContain('已超期');
    expect(overdue).toContain('农村供水工程长效管理机制不够健全');
  });

  it('shows the 汇总表 with a chart of problems by type', async () => {
    const text = await show('#/summary', 'summary');
    expect(text).toContain('整改情况汇总表');
    const bars = await page.locator('#chart rect').count();
    expect(bars).toBe(12 * 2 + 2);
    expect(await page.textContent('#chart')).toContain('1/1');
    const totalRow = await page.locator('table tbody tr').last().textContent();
    expect(totalRow).toContain('合计');
    expect(totalRow).toContain('716');
  });

  it('shows the application pipeline by stage and village, and the report', async () => {
    const text = await show('#/pipeline', 'pipeline');
    expect(text).toContain('识别纳入进度');
    expect(text).toContain('合计');
    await show('#/report', 'report');
    const frame = page.frameLocator('#report-frame');
    expect(await frame.locator('h1').textContent()).toContain('自查专题报告');
    // the report runs no script beside the signed-in token
    expect(await page.locator('#report-frame').getAttribute('sandbox')).toBe(
      'allow-same-origin allow-modals',
    );
  });

  it('serves its pages under a content security policy that allows only their own scripts', async () => {
    const response = await fetch(`${stack.url}/console`);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    // an injected inline script would not run: only the page's own hash is allowed
    expect(policy).not.toContain("'unsafe-inline' ");
    expect(policy.split('; ').find((d) => d.startsWith('script-src'))).not.toContain('unsafe');
    expect(violations).toEqual([]);
  });

  it('lists the undelivered messages, phones masked and links never shown', async () => {
    const answer = await webhook(
      stack,
      '/webhooks/applications',
      applicationBody({
        applicant: { name: '赵六', idNumber: sampleIdNumber('34130219700101123'), phone: '13600000123' },
      }),
    );
    expect(answer.status).toBe(202);
    await countItems(stack);
    const text = await show('#/messages', 'messages');
    expect(text).toContain('未送达消息');
    expect(text).toContain(answer.body.applicationId);
    expect(text).toContain('重试中');
    expect(text).toContain('136****0123');
    expect(text).not.toContain('13600000123');
    expect(text).not.toContain('/approvals/');
  });

  it('lists each village’s open risk leads with their grade and deadline', async () => {
    const declared = await staffRequest(
      stack,
      'POST',
      '/districts/341302/area-events',
      {
        kind: 'FLOOD',
        villages: ['341302105201'],
        occurredOn: '2026-06-16',
        description: '暴雨致部分农田受淹',
      },
      'p-tr-105',
    );
    expect(declared.status).toBe(201);
    expect(declared.body.leads).toBeGreaterThan(0);
    const text = await show('#/leads', 'leads');
    expect(text).toContain(`（待核实${declared.body.leads}条）`);
    expect(text).toContain('洪涝灾害（暴雨致部分农田受淹）');
    const badges = page.locator('[data-village="341302105201"] [data-deadline]');
    expect(await badges.count()).toBe(declared.body.leads);
    expect(await badges.first().getAttribute('data-deadline')).toBe('GREEN');
  });

  it('sends a village cadre back to their own village', async () => {
    await page.evaluate(() => (globalThis as any).sessionStorage.clear());
    await page.goto(`${stack.url}/console#/login`);
    await page.fill('#person', 'p-vc-202');
    await page.click('#login');
    await page.waitForFunction(() => (globalThis as any).document.body.dataset.ready === '#/campaign');
    const ledger = await show('#/ledger', 'ledger-village');
    expect(ledger).toContain('问题整改台账（3条）');
    expect(ledger).not.toContain('教育资助未到账');
  });
});
