/**
 * 部门筛查预警 on the real local stack over HTTP: department files uploaded by presigned URL (a UTF-8
 * CSV and an XLSX), the district's run, the village's leads with their deadlines, the village told
 * once, the same files again raising nothing, and the refusals.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { advanceClock, outbox, staffRequest, until, upload, useLocalStack } from '../support/local-stack.ts';
import { childA, GOOD_ROWS, HEADER, headA, VILLAGE } from '../support/monitoring-fixtures.ts';

describe('department screening', () => {
  const stack = useLocalStack({ FANGFAN_LOCAL_NOW: '2026-03-02T02:00:00Z' });
  const staff = (method: string, path: string, body?: unknown, personId = 'p-df-302', type?: string) =>
    staffRequest(stack, method, path, body, personId, type);

  async function uploadExtract(department: string, bytes: Buffer, month = '2026-02') {
    const asked = await staff('POST', '/districts/341302/extracts', { month, department });
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({ department, month, upload: { method: 'PUT' } });
    await upload(asked.body.upload.uploadUrl, bytes);
  }

  it('screens a month of uploaded files into leads the village verifies in time', async () => {
    const imported = await staff(
      'POST',
      '/households/import',
      [HEADER, ...GOOD_ROWS].join('\n'),
      'p-df-302',
      'text/csv',
    );
    expect(imported.status).toBe(200);

    await uploadExtract(
      'MEDICAL',
      Buffer.from(
        `\uFEFF证件号码,姓名,年度累计个人自付金额,当月门诊自付金额\r\n${headA},李四,25000,0\r\n123,坏行,1,0\r\n`,
      ),
    );
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('学籍');
    sheet.addRow(['证件号码', '姓名', '学籍状态']);
    sheet.addRow([childA, '李小', '辍学']);
    await uploadExtract('EDUCATION', Buffer.from(await book.xlsx.writeBuffer()));

    const run = await staff('POST', '/districts/341302/screenings', { month: '2026-02' });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ district: '341302', month: '2026-02', leads: 1, alreadyRaised: 0 });
    expect(run.body.departments.MEDICAL).toMatchObject({
      rows: 2,
      badRows: 1,
      hits: 1,
      badRowList: [{ row: 3, errors: [{ column: '证件号码' }] }],
    });
    expect(run.body.departments.EDUCATION).toMatchObject({ rows: 1, hits: 1 });

    const leads = await staff('GET', `/villages/${VILLAGE}/leads`);
    expect(leads.status).toBe(200);
    expect(leads.body.items).toHaveLength(1);
    expect(leads.body.items[0]).toMatchObject({
      source: 'DEPARTMENT_SCREENING',
      kind: 'RISK',
      grade: 1,
      status: 'OPEN',
      arrivedOn: '2026-03-02',
      // grade 1 (辍学) over grade 2 (医保): 3 working days
      dueOn: '2026-03-05',
      deadline: { colour: 'GREEN' },
      month: '2026-02',
    });
    expect(leads.body.items[0].subject.householdId).toMatch(new RegExp(`^${VILLAGE}-`));
    expect(leads.body.items[0].reasons.map((r: any) => `${r.department}.${r.rule}.${r.grade}`)).toEqual([
      'MEDICAL.MEDICAL_ANNUAL.2',
      'EDUCATION.OUT_OF_SCHOOL.1',
    ]);
    const told = await until('the village told', async () => {
      const messages = (await outbox(stack, 'p-vc-201')).filter((m: any) =>
        m.text.startsWith('2026-02部门筛查预警'),
      );
      return messages.length ? messages : undefined;
    });
    expect(told[0].text).toContain('1条风险线索');

    // the same files again: nothing new, nobody told again
    const again = await staff('POST', '/districts/341302/screenings', { month: '2026-02' });
    expect(again.body).toMatchObject({ leads: 1, alreadyRaised: 1 });
    expect((await staff('GET', `/villages/${VILLAGE}/leads`)).body.items).toHaveLength(1);
    expect((await staff('GET', '/districts/341302/screenings/2026-02')).body).toMatchObject({
      alreadyRaised: 1,
    });
    const messages = (await outbox(stack, 'p-vc-201')).filter((m: any) =>
      m.text.startsWith('2026-02部门筛查预警'),
    );
    expect(messages).toHaveLength(1);

    // the village verifies it: at risk, so an identification opens through the chain, the lead linked
    const leadId = leads.body.items[0].leadId;
    const verification = {
      outcome: 'AT_RISK',
      findings: '孩子辍学在家务农，户主住院',
      riskTypes: ['ILLNESS', 'EDUCATION'],
      declaredAnnualIncome: 16000,
      householdSize: 3,
    };
    const foreign = await staff('POST', `/leads/${leadId}/verification`, verification, 'p-vc-202');
    expect(foreign.status).toBe(403);
    const verified = await staff('POST', `/leads/${leadId}/verification`, verification, 'p-vc-201');
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({
      status: 'VERIFIED',
      deadline: null,
      verification: { outcome: 'AT_RISK' },
    });
    const caseId = verified.body.verification.caseId;
    const opened = await staff('GET', `/applications/${caseId}`);
    expect(opened.body).toMatchObject({ stage: 'AWAITING_COMMITMENT', riskTypes: ['ILLNESS', 'EDUCATION'] });
    expect(opened.body.history[0].by).toBe('风险线索核实');
    const twice = await staff('POST', `/leads/${leadId}/verification`, verification, 'p-vc-201');
    expect(twice.status).toBe(409);
    expect((await staff('GET', `/villages/${VILLAGE}/leads?status=VERIFIED`)).body.items).toHaveLength(1);

    // the district's 预警信息核实反馈表, for the departments
    const feedback = await staff('GET', '/districts/341302/screenings/2026-02/feedback');
    expect(feedback.status).toBe(200);
    expect(feedback.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const sheetBook = new ExcelJS.Workbook();
    await sheetBook.xlsx.load(feedback.bytes as unknown as ArrayBuffer);
    const rows = sheetBook.worksheets[0]!.getSheetValues().filter(Boolean) as unknown[][];
    expect(rows[0]!.slice(1, 4)).toEqual(['序号', '村', '户主（申请人）']);
    expect(rows[1]).toEqual(
      expect.arrayContaining([
        '李四',
        '部门筛查预警',
        '一级（红色）',
        '存在风险',
        '孩子辍学在家务农，户主住院',
        '否',
      ]),
    );
    expect(String(rows[1]![6])).toContain('医保：年度累计个人自付医疗费用较高（25,000 元）');
    expect(
      (await staff('GET', '/districts/341302/screenings/2026-02/feedback', undefined, 'p-vc-201')).status,
    ).toBe(403);
  });

  it('refuses bad input on its field, other people’s units, and a month without files', async () => {
    const badMonth = await staff('POST', '/districts/341302/screenings', { month: '2026-13' });
    expect(badMonth.status).toBe(400);
    expect(badMonth.body.error.fields[0].path).toBe('month');
    const badDepartment = await staff('POST', '/districts/341302/extracts', {
      month: '2026-02',
      department: 'POLICE',
    });
    expect(badDepartment.status).toBe(400);
    expect(badDepartment.body.error.fields[0].path).toBe('department');

    expect(
      (await staff('POST', '/districts/341302/screenings', { month: '2026-02' }, 'p-vc-201')).status,
    ).toBe(403);
    expect(
      (
        await staff(
          'POST',
          '/districts/341302/extracts',
          { month: '2026-02', department: 'MEDICAL' },
          'p-tr-105',
        )
      ).status,
    ).toBe(403);
    expect((await staff('GET', `/villages/${VILLAGE}/leads`, undefined, 'p-vc-202')).status).toBe(403);
    expect((await staff('GET', `/villages/${VILLAGE}/leads?status=DONE`)).status).toBe(400);

    const empty = await staff('POST', '/districts/341302/screenings', { month: '2025-12' });
    expect(empty.status).toBe(404);
    expect(empty.body.error.fields[0].path).toBe('month');
    expect((await staff('GET', '/districts/341302/screenings/2025-12')).status).toBe(404);
  });

  it('reminds the village of an overdue lead on the daily watch, then escalates it to the township', async () => {
    await uploadExtract(
      'MEDICAL',
      Buffer.from(`证件号码,姓名,年度累计个人自付金额,当月门诊自付金额\r\n${headA},李四,25000,0\r\n`),
      '2026-01',
    );
    // 公安: a death in the month is a registry change for the village; 应急: an area event to confirm
    await uploadExtract(
      'PUBLIC_SECURITY',
      Buffer.from(`证件号码,姓名,事项,车辆类型,发生日期\r\n${childA},李小,死亡,,2026-01-20\r\n`),
      '2026-01',
    );
    await uploadExtract(
      'EMERGENCY',
      Buffer.from(
        `村代码,灾害类型,发生日期,受灾户数\r\n${VILLAGE},洪涝,2026-01-15,12\r\n341302105202,洪涝,2026-01-15,3\r\n`,
      ),
      '2026-01',
    );
    const run = await staff('POST', '/districts/341302/screenings', { month: '2026-01' });
    expect(run.body).toMatchObject({ leads: 1, alreadyRaised: 0 });
    expect(run.body.registryChanges).toEqual([
      expect.objectContaining({ village: VILLAGE, change: 'DEATH', occurredOn: '2026-01-20', row: 2 }),
    ]);
    expect(run.body.registryChanges[0].householdId).toMatch(new RegExp(`^${VILLAGE}-`));
    expect(run.body.areaProposals).toEqual([
      {
        kind: 'FLOOD',
        label: '洪涝',
        occurredOn: '2026-01-15',
        villages: [VILLAGE, '341302105202'],
        households: 15,
      },
    ]);
    const [lead] = (await staff('GET', `/villages/${VILLAGE}/leads?status=OPEN`)).body.items;
    expect(lead).toMatchObject({ grade: 2, dueOn: '2026-03-09', month: '2026-01' });

    const about = (personId: string, text: RegExp) =>
      until(`a message to ${personId}`, async () => {
        const found = (await outbox(stack, personId)).filter((m: any) => text.test(m.text));
        return found.length ? found : undefined;
      });
    await advanceClock(stack, 'P8D'); // Tuesday 03-10: past due
    const reminded = await about('p-vc-201', /^风险线索核实已超期/);
    expect(reminded[0].text).toContain('李四户');
    expect((await staff('GET', `/villages/${VILLAGE}/leads?status=OPEN`)).body.items[0].deadline.colour).toBe(
      'ORANGE',
    );
    await advanceClock(stack, 'P7D'); // Tuesday 03-17: six working days past
    await about('p-tr-105', /风险线索逾期未核实/);
    expect((await staff('GET', `/villages/${VILLAGE}/leads?status=OPEN`)).body.items[0].deadline.colour).toBe(
      'RED',
    );
    expect(
      (await outbox(stack, 'p-vc-201')).filter((m: any) => /^风险线索核实已超期/.test(m.text)),
    ).toHaveLength(1);
  });

  it('declares an area event: a lead for every household of the village, progress, and no close before all are verified', async () => {
    const households = (await staff('GET', `/villages/${VILLAGE}/households`)).body.items.length;
    const flood = {
      kind: 'FLOOD',
      villages: [VILLAGE],
      occurredOn: '2026-03-01',
      description: '连续暴雨，部分房屋进水',
    };
    expect((await staff('POST', '/districts/341302/area-events', flood, 'p-vc-201')).status).toBe(403);
    const bad = await staff('POST', '/districts/341302/area-events', { ...flood, kind: 'STORM' }, 'p-tr-105');
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].path).toBe('kind');

    const declared = await staff('POST', '/districts/341302/area-events', flood, 'p-tr-105');
    expect(declared.status).toBe(201);
    expect(declared.body).toMatchObject({
      eventId: '341302-FLOOD-2026-03-01',
      leads: households,
      status: 'OPEN',
    });
    const again = await staff('POST', '/districts/341302/area-events', flood, 'p-tr-105');
    expect(again.body.leads).toBe(households);
    const eventLeads = (await staff('GET', `/villages/${VILLAGE}/leads?status=OPEN`)).body.items.filter(
      (l: any) => l.source === 'AREA_EVENT',
    );
    expect(eventLeads).toHaveLength(households);
    expect(eventLeads[0].reasons[0]).toMatchObject({ kind: 'AREA_EVENT', event: 'FLOOD', label: '洪涝灾害' });

    const progress = await staff(
      'GET',
      '/districts/341302/area-events/341302-FLOOD-2026-03-01',
      undefined,
      'p-vc-201',
    );
    expect(progress.status).toBe(200);
    expect(progress.body.progress).toEqual([
      expect.objectContaining({ village: VILLAGE, households, verified: 0 }),
    ]);
    const early = await staff(
      'POST',
      '/districts/341302/area-events/341302-FLOOD-2026-03-01/close',
      { summary: '核实完毕' },
      'p-tr-105',
    );
    expect(early.status).toBe(409);
  });

  it('takes a lead the township enters from a report, and the village verifies it', async () => {
    const households = (await staff('GET', `/villages/${VILLAGE}/households`)).body.items;
    const li = households.find((h: any) => h.head?.name === '李四');
    const report = {
      source: 'MEDIA',
      householdId: li.householdId,
      description: '网络反映该户因病返贫，生活困难',
      grade: 1,
    };
    expect((await staff('POST', `/villages/${VILLAGE}/leads`, report, 'p-vc-201')).status).toBe(403);
    const elsewhere = await staff('POST', '/villages/341302105202/leads', report, 'p-tr-105');
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error.fields[0].path).toBe('householdId');

    const entered = await staff('POST', `/villages/${VILLAGE}/leads`, report, 'p-tr-105');
    expect(entered.status).toBe(201);
    expect(entered.body).toMatchObject({
      source: 'MEDIA',
      sourceLabel: '媒体、舆情',
      grade: 1,
      status: 'OPEN',
    });
    expect(entered.body.reasons).toEqual([
      { kind: 'REPORT', label: '媒体、舆情', value: report.description },
    ]);
    await until('the village told', async () =>
      (await outbox(stack, 'p-vc-201')).some((m: any) => m.text.startsWith('媒体、舆情反映李四户'))
        ? true
        : undefined,
    );
    const verified = await staff(
      'POST',
      `/leads/${entered.body.leadId}/verification`,
      { outcome: 'NO_RISK', reason: '已核实：住院费用已报销，生活正常' },
      'p-vc-201',
    );
    expect(verified.status).toBe(200);
    expect(verified.body.verification).toMatchObject({ outcome: 'NO_RISK' });
  });
});
