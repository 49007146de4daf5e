/**
 * The 集中排查 campaign on the real local stack over HTTP: the campaign and its phases, 入户排查表 by
 * webhook (by workbook: `campaign-workbooks.test.ts`), the ledger's lifecycle and deadline watch, the 汇总表 against a recount,
 * the XLSX exports read back, and the 自查专题报告.
 */
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '#schemas/openapi';
import {
  advanceClock,
  countItems,
  getApplication,
  outbox,
  sampleIdNumber,
  staffRequest,
  staffToken,
  until,
  useLocalStack,
  webhook,
} from '../support/local-stack.ts';
import { brokenRequests, countBy, type JsonSchema } from '../support/schema-paths.ts';

const TOWNSHIP = '341302105';
const V1 = '341302105201';
const V2 = '341302105202';
let serial = 0;
const idNumber = () =>
  sampleIdNumber(
    `3413021975${String(1 + (serial % 12)).padStart(2, '0')}${String(1 + Math.floor(serial / 12)).padStart(2, '0')}${String(100 + serial++).slice(-3)}`,
  );

describe('集中排查 campaign', () => {
  // business time inside the 2026 campaign's mobilisation phase
  const stack = useLocalStack({ FANGFAN_LOCAL_NOW: '2026-06-09T02:00:00Z' });
  const staff = (method: string, path: string, body?: unknown, personId = 'p-tr-105', type?: string) =>
    staffRequest(stack, method, path, body, personId, type);
  let campaignId = '';
  const form = (overrides: Record<string, unknown> = {}) => ({
    requestId: `insp-${Math.random().toString(36).slice(2, 12)}`,
    campaignId,
    village: V1,
    group: '第一村民小组',
    householdType: 'LIFTED',
    head: { name: '陈一', idNumber: idNumber(), phone: '13700000001' },
    householdSize: 3,
    items: [
      { category: 1, item: 2, problem: '孩子在读初中，今年春季学期教育资助未到账' },
      { category: 2, item: 5, problem: '户主高血压未办理慢性病证' },
      { category: 7, item: 1, problem: '儿子有劳动能力，外出务工不稳定' },
    ],
    judgement: { suspectedRisk: false, proposeReview: false },
    inspectorPersonId: 'p-vc-201',
    ...overrides,
  });

  it('creates a campaign with the seed phases as the default, only by the township', async () => {
    expect(
      (
        await staff(
          'POST',
          `/townships/${TOWNSHIP}/campaigns`,
          { name: '2026年集中排查', year: 2026 },
          'p-vc-201',
        )
      ).status,
    ).toBe(403);
    const bad = await staff('POST', `/townships/${TOWNSHIP}/campaigns`, {
      name: '2026年集中排查',
      year: 2026,
      phases: [
        { key: 'MOBILIZATION', from: '2026-06-10', to: '2026-06-08' },
        { key: 'FIELD_INSPECTION', from: '2026-06-10', to: '2026-06-15' },
        { key: 'RECTIFICATION', from: '2026-06-15', to: '2026-06-25' },
        { key: 'SUMMARY', from: '2026-06-25', to: '2026-06-26' },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].path).toBe('phases.0.to');
    const created = await staff('POST', `/townships/${TOWNSHIP}/campaigns`, {
      name: '2026年巩固拓展脱贫攻坚成果集中排查',
      year: 2026,
    });
    expect(created.status).toBe(201);
    campaignId = created.body.campaignId;
    expect(created.body.phases.map((p: any) => [p.name, p.from, p.to])).toEqual([
      ['动员培训阶段', '2026-06-08', '2026-06-10'],
      ['实地排查阶段', '2026-06-10', '2026-06-15'],
      ['问题整改及动态管理阶段', '2026-06-15', '2026-06-25'],
      ['工作总结阶段', '2026-06-25', '2026-06-26'],
    ]);
    expect(created.body.status).toBe('MOBILIZATION');
    expect(created.body.villages).toContain(V1);
    const listed = await staff('GET', `/townships/${TOWNSHIP}/campaigns`, undefined, 'p-vc-201');
    expect(listed.body.items.map((c: any) => c.campaignId)).toContain(campaignId);
  });

  it('takes 入户排查表 by webhook under the annex filling rules', async () => {
    const filed = await webhook(stack, '/webhooks/inspections', form(), 'mini-program');
    expect(filed.status).toBe(201);
    expect(filed.body.problemIds).toHaveLength(3);
    const again = await webhook(
      stack,
      '/webhooks/inspections',
      { ...form(), requestId: 'insp-dupe-0001' },
      'mini-program',
    );
    expect(again.status).toBe(201);

    const ordinaryPolicy = await webhook(
      stack,
      '/webhooks/inspections',
      form({ householdType: 'ORDINARY', items: [{ category: 6, item: 1, problem: '未实施产业到户项目' }] }),
      'mini-program',
    );
    expect(ordinaryPolicy.status).toBe(400);
    expect(ordinaryPolicy.body.error.fields[0].message).toContain('一般农户');
    const departmentItem = await webhook(
      stack,
      '/webhooks/inspections',
      form({ items: [{ category: 1, item: 3, problem: '未动态清零' }] }),
      'mini-program',
    );
    expect(departmentItem.status).toBe(400);
    expect(departmentItem.body.error.fields[0].message).toContain('不涉及户内排查');
    const noText = await webhook(
      stack,
      '/webhooks/inspections',
      form({ items: [{ category: 3, item: 2, problem: '' }] }),
      'mini-program',
    );
    expect(noText.body.error.fields[0].path).toBe('items.0.problem');
    const noItem = await webhook(
      stack,
      '/webhooks/inspections',
      form({ items: [{ category: 4, item: 9, problem: '水质差' }] }),
      'mini-program',
    );
    expect(noItem.body.error.fields[0].message).toContain('没有第9项');

    // the same household twice in one campaign
    const head = { name: '陈二', idNumber: idNumber(), phone: '13700000002' };
    expect((await webhook(stack, '/webhooks/inspections', form({ head }), 'mini-program')).status).toBe(201);
    const dupe = await webhook(stack, '/webhooks/inspections', form({ head }), 'mini-program');
    expect(dupe.status).toBe(409);
    // a repeated delivery answers as the first time
    const body = form({ village: V2, inspectorPersonId: 'p-vc-202', group: '第一村民小组' });
    const first = await webhook(stack, '/webhooks/inspections', body, 'mini-program');
    expect(first.status).toBe(201);
    expect(await webhook(stack, '/webhooks/inspections', body, 'mini-program')).toEqual(first);
  });

  it('starts an identification from 综合判定 (channel: cadre inspection) and counts it as 拟识别', async () => {
    const proposed = await webhook(
      stack,
      '/webhooks/inspections',
      form({
        householdType: 'ORDINARY',
        head: { name: '周八', idNumber: idNumber(), phone: '13700000008' },
        householdSize: 4,
        items: [{ category: 3, item: 2, problem: '房屋墙体开裂，存在安全风险' }],
        judgement: {
          suspectedRisk: true,
          proposeReview: true,
          reason: '房屋受损，妻子患病，收入骤减',
          riskTypes: ['DISASTER', 'ILLNESS'],
          declaredAnnualIncome: 18000,
        },
      }),
      'mini-program',
    );
    expect(proposed.status).toBe(201);
    const applicationId = proposed.body.review.applicationId;
    const app = await getApplication(stack, applicationId);
    expect(app.stage).toBe('AWAITING_COMMITMENT');
    expect(app.history[0].by).toBe('干部走访排查');
    const incomplete = await webhook(
      stack,
      '/webhooks/inspections',
      form({ judgement: { suspectedRisk: true, proposeReview: true } }),
      'mini-program',
    );
    expect(incomplete.status).toBe(400);
  });

  it('keeps area problems (3-2) and runs a ledger line to 销号 with a second person’s re-check', async () => {
    const water = await staff('POST', `/campaigns/${campaignId}/problems`, {
      level: 'TOWNSHIP',
      category: 4,
      item: 4,
      content: '农村供水工程长效管理机制不够健全',
      measure: '制定供水工程管护办法，明确管护责任',
      responsible: { name: '王乡长', unit: '乡水利站' },
      deadline: '2026-06-30',
    });
    expect(water.status).toBe(201);
    expect(water.body.levelLabel).toBe('镇级层面');
    expect(
      (
        await staff('POST', `/campaigns/${campaignId}/problems`, {
          level: 'VILLAGE',
          category: 7,
          content: '公益岗搞福利',
          measure: '清理',
          responsible: { name: '村支书', unit: '村委会' },
          deadline: '2026-06-20',
        })
      ).status,
    ).toBe(400);
    const county = await staff('POST', `/campaigns/${campaignId}/problems`, {
      level: 'COUNTY',
      category: 2,
      item: 9,
      content: '未做到动态清零；防止因病返贫致贫风险机制有待健全',
      measure: '报区医保局',
      responsible: { name: '区医保局', unit: '区医保局' },
      deadline: '2026-06-25',
    });
    expect(county.body.unit).toBe('341302');

    const lines = (await staff('GET', `/campaigns/${campaignId}/problems?unit=${V1}&kind=HOUSEHOLD`)).body
      .items;
    let line = lines[0];
    // a read by id checks scope as the list does: the line's own village, not the next one
    expect((await staff('GET', `/problems/${line.problemId}`, undefined, 'p-vc-201')).status).toBe(200);
    const foreign = await staff('GET', `/problems/${line.problemId}`, undefined, 'p-vc-202');
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('FORBIDDEN');
    expect((await staff('GET', `/problems/${line.problemId}`, undefined, 'p-gl-202')).status).toBe(403);
    const act = async (body: Record<string, unknown>, personId: string) => {
      const r = await staff(
        'POST',
        `/problems/${line.problemId}/actions`,
        { version: line.version, ...body },
        personId,
      );
      if (r.status === 200) line = r.body;
      return r;
    };
    expect(
      (
        await act(
          {
            action: 'plan',
            measure: '联系乡教办补发资助',
            responsible: { name: '村委1', unit: '村委会', personId: 'p-vc-201' },
            deadline: '2026-06-20',
          },
          'p-vc-201',
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await staff(
          'POST',
          `/problems/${line.problemId}/actions`,
          { version: 1, action: 'start' },
          'p-vc-201',
        )
      ).status,
    ).toBe(409);
    expect((await act({ action: 'recheck', passed: true }, 'p-tr-105')).status).toBe(409);
    expect((await act({ action: 'rectify' }, 'p-vc-201')).status).toBe(400);
    expect((await act({ action: 'start' }, 'p-vc-201')).body.status).toBe('IN_PROGRESS');
    expect(
      (
        await act(
          { action: 'rectify', evidence: '资助已于6月18日到账，附银行流水', outcome: '资助到位' },
          'p-vc-201',
        )
      ).body.status,
    ).toBe('RECTIFIED');
    const self = await act({ action: 'recheck', passed: true }, 'p-vc-201');
    expect(self.status).toBe(403);
    expect(self.body.error.message).toContain('整改人以外');
    expect((await act({ action: 'recheck', passed: false }, 'p-tr-105')).status).toBe(400);
    expect(
      (await act({ action: 'recheck', passed: false, comment: '缺少学校盖章证明' }, 'p-tr-105')).body.status,
    ).toBe('IN_PROGRESS');
    await act({ action: 'rectify', evidence: '补充学校盖章证明' }, 'p-vc-201');
    const closed = await act({ action: 'recheck', passed: true, comment: '核实无误' }, 'p-tr-105');
    expect(closed.body.status).toBe('CLOSED');
    expect(closed.body.history.map((h: any) => h.status)).toEqual([
      'OPEN',
      'IN_PROGRESS',
      'RECTIFIED',
      'IN_PROGRESS',
      'RECTIFIED',
      'CLOSED',
    ]);
    // a village cadre sees only the village's lines
    const theirs = (await staff('GET', `/campaigns/${campaignId}/problems`, undefined, 'p-vc-202')).body
      .items;
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.every((p: any) => p.unit === V2)).toBe(true);
  });

  it('answers the 汇总表 from counters that equal a recount of the ledger', async () => {
    const summary = (await staff('GET', `/campaigns/${campaignId}/summary`)).body;
    const all: any[] = [];
    let cursor: string | undefined;
    do {
      const page = (
        await staff('GET', `/campaigns/${campaignId}/problems?limit=7${cursor ? `&cursor=${cursor}` : ''}`)
      ).body;
      all.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    for (const row of summary.rows) {
      const mine = all.filter((p) => p.category === row.category);
      expect(row.total).toBe(mine.length);
      expect(row.rectified).toBe(mine.filter((p) => p.status === 'CLOSED').length);
      expect(row.inProgress).toBe(mine.filter((p) => p.status !== 'CLOSED').length);
    }
    expect(summary.total.total).toBe(all.length);
    expect(summary.total.rectified).toBe(1);
    expect(summary.proposed).toEqual({ households: 1, persons: 4 });
    expect(summary.units.find((u: any) => u.unit === V1).name).toBeTruthy();
    expect(summary.rows.map((r: any) => r.name)).toEqual([
      '义务教育',
      '基本医疗',
      '住房安全',
      '安全饮水',
      '易地扶贫搬迁',
      '产业发展',
      '脱贫人口就业',
      '脱贫人口小额信贷',
      '消费帮扶',
      '资金项目管理',
      '防止返贫动态监测',
      '帮扶工作',
    ]);
  });

  it('reminds before the 整改时限 and escalates to the township after it', async () => {
    await advanceClock(stack, 'P14D'); // 2026-06-23: deadlines of 06-25 are two days off
    await until('a deadline reminder', async () =>
      (await outbox(stack, 'p-vc-201')).some((m: any) => m.text.startsWith('整改提醒')),
    );
    await advanceClock(stack, 'P3D'); // 06-26: past 06-25
    const escalations = await until('an escalation', async () => {
      const items = (await outbox(stack, 'p-tr-105')).filter((m: any) => m.text.startsWith('整改督办'));
      return items.length ? items : undefined;
    });
    expect(escalations[0].text).toContain('已超过整改时限');
    const overdue = (await staff('GET', `/campaigns/${campaignId}/problems?overdue=1`)).body.items;
    expect(overdue.length).toBeGreaterThan(0);
    expect(overdue.every((p: any) => p.overdue && p.status !== 'CLOSED')).toBe(true);
    const remindersOf = async () =>
      (await outbox(stack, 'p-vc-201')).filter(
        (m: any) => m.text.startsWith('整改提醒') && m.text.includes('整改时限为2026-06-25'),
      ).length;
    const reminders = await remindersOf();
    expect(reminders).toBeGreaterThan(0);
    await advanceClock(stack, 'P1D');
    // the township's water line (due 06-30) is reminded now; the lines due 06-25 are not reminded again
    await until('the next reminder', async () =>
      (await outbox(stack)).some((m: any) => m.text.includes('整改时限为2026-06-30')),
    );
    expect(await remindersOf()).toBe(reminders);
  });

  it('exports annexes 2, 3-1, 3-2 and 4 as XLSX, built in the background, that read back', async () => {
    const summary = (await staff('GET', `/campaigns/${campaignId}/summary`)).body;
    expect((await staff('POST', `/campaigns/${campaignId}/exports`, { kind: 'annex9' })).status).toBe(400);
    expect(
      (await staff('POST', `/campaigns/${campaignId}/exports`, { kind: 'annex4' }, 'p-vc-201')).status,
    ).toBe(403);
    const sheets: Record<string, string[][]> = {};
    for (const kind of ['annex2', 'annex3-1', 'annex3-2', 'annex4']) {
      const requested = await staff('POST', `/campaigns/${campaignId}/exports`, { kind });
      expect(requested.status).toBe(202);
      expect(requested.body.status).toBe('PENDING');
      const done = await until(`the ${kind} export`, async () => {
        const job = (await staff('GET', `/exports/${requested.body.exportId}`)).body;
        return job.status === 'DONE' ? job : undefined;
      });
      // the township's exports are the township's: a village cadre reads none by its id
      expect((await staff('GET', `/exports/${requested.body.exportId}`, undefined, 'p-vc-201')).status).toBe(
        403,
      );
      const file = Buffer.from(await (await fetch(done.downloadUrl)).arrayBuffer());
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(file as unknown as ArrayBuffer);
      const rows: string[][] = [];
      workbook.worksheets[0]!.eachRow((row) =>
        rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))),
      );
      sheets[kind] = rows;
    }
    expect(sheets.annex2![0]![0]).toBe('巩固拓展脱贫攻坚成果集中排查入户排查表');
    const text2 = sheets.annex2!.flat().join('\n');
    expect(text2).toContain('户主姓名：陈一');
    expect(text2).toMatch(/证件号码：\d{6}\*{8}\d{3}[\dX]/);
    expect(text2).toContain('√②教育资助政策是否全面落实到位');
    expect(sheets['annex3-1']![2]).toEqual([
      '序号',
      '镇',
      '村',
      '户主姓名',
      '户类型',
      '问题类型',
      '具体内容',
      '整改措施',
      '责任人',
      '责任单位',
      '整改时限',
      '整改成效',
      '状态',
    ]);
    expect(sheets['annex3-1']!.some((r) => r.includes('孩子在读初中，今年春季学期教育资助未到账'))).toBe(
      true,
    );
    expect(sheets['annex3-2']!.some((r) => r.includes('镇级层面') && r.includes('安全饮水'))).toBe(true);
    const totalRow = sheets.annex4!.find((r) => r[1] === '合计')!;
    expect(totalRow.slice(3, 6).map(Number)).toEqual([
      summary.total.total,
      summary.total.rectified,
      summary.total.inProgress,
    ]);
  });

  it('writes the 自查专题报告 from the data', async () => {
    const report = await staff('GET', `/campaigns/${campaignId}/report`);
    expect(report.status).toBe(200);
    const html = report.bytes.toString('utf8');
    for (const heading of [
      '一、集中排查开展情况',
      '二、排查问题及整改落实情况',
      '三、动态管理及帮扶工作情况',
      '四、下一步工作安排',
    ]) {
      expect(html).toContain(heading);
    }
    const summary = (await staff('GET', `/campaigns/${campaignId}/summary`)).body;
    expect(html).toContain(`共排查问题${summary.total.total}个`);
    expect(html).toContain('拟识别监测对象1户4人');
  });

  it('is closed by the township: no more forms, no more chasing', async () => {
    expect((await staff('POST', `/campaigns/${campaignId}/close`, undefined, 'p-vc-201')).status).toBe(403);
    const village = await staff('GET', `/campaigns/${campaignId}/problems?unit=${V1}`, undefined, 'p-vc-202');
    expect(village.status).toBe(403);
    const closed = await staff('POST', `/campaigns/${campaignId}/close`);
    expect(closed.body.status).toBe('CLOSED');
    const late = await webhook(
      stack,
      '/webhooks/inspections',
      form({ requestId: 'insp-late-0001' }),
      'mini-program',
    );
    expect(late.status).toBe(409);
    expect((await staff('POST', `/campaigns/${campaignId}/close`)).status).toBe(409);
  });

  it('answers malformed input on every campaign endpoint with a clear 4xx and writes nothing', async () => {
    const schemas = openApiDocument().components.schemas as Record<string, JsonSchema>;
    const line = (await staff('GET', `/campaigns/${campaignId}/problems?limit=1`)).body.items[0];
    const valid: Record<string, { path: string; body: Record<string, unknown>; signed?: boolean }> = {
      InspectionRequest: {
        path: '/webhooks/inspections',
        signed: true,
        body: form({ requestId: 'insp-fuzz-0001' }),
      },
      CampaignRequest: { path: `/townships/${TOWNSHIP}/campaigns`, body: { name: '补充排查', year: 2026 } },
      AreaProblemRequest: {
        path: `/campaigns/${campaignId}/problems`,
        body: {
          level: 'TOWNSHIP',
          category: 4,
          content: '供水管护',
          measure: '建立制度',
          responsible: { name: '王乡长', unit: '乡水利站' },
          deadline: '2026-07-30',
        },
      },
      ProblemAction: {
        path: `/problems/${line.problemId}/actions`,
        body: { action: 'plan', measure: '补充措施', version: line.version },
      },
      ExportRequest: { path: `/campaigns/${campaignId}/exports`, body: { kind: 'annex4' } },
    };
    const broken = brokenRequests(schemas, valid);
    const before = await countItems(stack);
    const statuses: number[] = [];
    await fc.assert(
      fc.asyncProperty(broken, async (request) => {
        const response = request.signed
          ? await webhook(stack, request.path, request.body, 'mini-program')
          : await staff('POST', request.path, request.body);
        statuses.push(response.status);
        return (
          response.status >= 400 && response.status < 500 && typeof response.body.error.message === 'string'
        );
      }),
      { numRuns: 150 },
    );
    console.log(`campaign endpoints: 150 malformed requests → ${JSON.stringify(countBy(statuses))}`);
    // schema-valid in form, wrong in substance: each a 4xx naming the field, never a 500
    const problems = `/campaigns/${campaignId}/problems`;
    const forged = Buffer.from(JSON.stringify({ PK: 'V#341302105201', SK: 'A#x' })).toString('base64url');
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=5000', 'limit'],
      [`cursor=${forged}`, 'cursor'],
      ['cursor=not-base64-json', 'cursor'],
      [`status=${Array.from({ length: 101 }, () => 'OPEN').join(',')}`, 'status'],
      ['status=OPEN,DELETED', 'status'],
    ] as const) {
      const answer = await staff('GET', `${problems}?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.fields?.[0]?.path, query).toBe(field);
    }
    const badEscape = await fetch(`${stack.url}/problems/%E0%A4%A`, {
      headers: { authorization: `Bearer ${await staffToken(stack, 'p-tr-105')}` },
    });
    expect(badEscape.status).toBe(400);
    expect(((await badEscape.json()) as any).error.code).toBe('VALIDATION_FAILED');
    expect(await countItems(stack)).toEqual(before);
  });
});
