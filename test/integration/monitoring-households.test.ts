/**
 * Monitoring households after activation, on the real local stack over HTTP: the registry import,
 * plans and contact persons, measures and visits by webhook, the green channel, national-system
 * entry batches, 风险消除 (and its refusals) and 风险再标注.
 */
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  advanceClock,
  applicationBody,
  caseLink,
  driveAll,
  getApplication,
  linkFor,
  outbox,
  sampleIdNumber,
  staffRequest,
  staffToken,
  until,
  upload,
  useLocalStack,
  waitForStage,
  webhook,
} from '../support/local-stack.ts';
import {
  childA,
  GOOD_ROWS,
  HEADER,
  headA,
  headB,
  headC,
  PROPOSAL,
  row,
  spouseA,
  VILLAGE,
} from '../support/monitoring-fixtures.ts';

describe('monitoring households', () => {
  const stack = useLocalStack({ FANGFAN_LOCAL_NOW: '2026-03-02T02:00:00Z' });
  const ids: Record<string, string> = {};
  const households: Record<string, string> = {};

  const staff = (method: string, path: string, body?: unknown, personId = 'p-df-302', type?: string) =>
    staffRequest(stack, method, path, body, personId, type);
  const listHouseholds = async () =>
    (await staff('GET', `/villages/${VILLAGE}/households`)).body.items as any[];

  it('imports a registry: a bad file writes nothing and names every bad row; a good one writes every household', async () => {
    // the sample township carries a few registry households of its own
    const seeded = (await listHouseholds()).length;
    const bad = [
      HEADER,
      ...GOOD_ROWS,
      // a wrong check character
      row({
        户主证件号码: headA,
        成员姓名: '李错',
        成员证件号码: '341302196001010010',
        与户主关系: '子女',
        参加养老保险: '否',
      }),
      // a student counted as labour
      row({
        户主证件号码: headA,
        成员姓名: '李学',
        成员证件号码: sampleIdNumber('34130220100707007'),
        与户主关系: '子女',
        在校情况: '义务教育',
        参加养老保险: '否',
      }),
      // a village outside the township
      row({
        村代码: '341302105999',
        户主证件号码: headC,
        联系电话: '13800001003',
        成员姓名: '周六',
        成员证件号码: headC,
        与户主关系: '户主',
        参加养老保险: '否',
      }),
    ].join('\n');
    const refused = await staff('POST', '/households/import', bad, 'p-df-302', 'text/csv');
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('VALIDATION_FAILED');
    const paths = refused.body.error.fields.map((f: any) => f.path);
    expect(paths).toContain('rows[7].成员证件号码');
    expect(paths).toContain('rows[8].劳动能力');
    expect(paths).toContain('rows[9].村代码');
    expect(await listHouseholds()).toHaveLength(seeded);

    // a village cadre may not import another village's rows
    const foreign = await staff(
      'POST',
      '/households/import',
      [HEADER, ...GOOD_ROWS].join('\n'),
      'p-vc-202',
      'text/csv',
    );
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.fields[0].message).toContain('无权');

    // the same registry as XLSX, in the import layout
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('户籍');
    sheet.addRow(HEADER.split(','));
    for (const r of GOOD_ROWS) sheet.addRow(r.split(','));
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
    const imported = await staff(
      'POST',
      '/households/import',
      new Uint8Array(xlsx),
      'p-df-302',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ households: 2, members: 5, villages: 1 });
    const items = (await listHouseholds()).filter((h) => h.head);
    expect(items).toHaveLength(2);
    for (const h of items) households[h.head.name] = h.householdId;
    const li = items.find((h) => h.head.name === '李四');
    expect(li.head.idNumber).not.toContain(headA.slice(6, 14));
    expect(li.incomes[0]).toMatchObject({ year: 2026, perCapita: 10400, belowLine: false });
    expect(items.find((h) => h.head.name === '王五').noLabourCapacity).toBe(true);

    // the same file again writes the same values, also as Excel on Chinese Windows saves it (GBK)
    const again = await staff(
      'POST',
      '/households/import',
      new Uint8Array(iconv.encode([HEADER, ...GOOD_ROWS].join('\r\n'), 'gbk')),
      'p-df-302',
      'text/csv',
    );
    expect(again.status).toBe(200);
    expect(await listHouseholds()).toHaveLength(seeded + 2);
    const names = (await listHouseholds()).filter((h) => h.head).map((h) => h.head.name);
    expect(names.sort()).toEqual(['李四', '王五']);
  });

  it('activates households with a plan, a green channel reconciled at the end, and a national-system batch', async () => {
    const bodies = {
      A: applicationBody({
        applicant: { name: '李四', idNumber: headA, phone: '13800001001' },
        riskTypes: ['ILLNESS'],
        householdSize: 3,
        declaredAnnualIncome: 15000,
      }),
      B: applicationBody({
        applicant: { name: '王五', idNumber: headB, phone: '13800001002' },
        riskTypes: ['LACK_OF_LABOUR'],
        householdSize: 2,
        declaredAnnualIncome: 6800,
      }),
      C: applicationBody({
        applicant: { name: '周六', idNumber: headC, phone: '13800001003' },
        riskTypes: ['ACCIDENT'],
        householdSize: 3,
        declaredAnnualIncome: 30000,
      }),
    };
    for (const [key, body] of Object.entries(bodies)) {
      const response = await webhook(stack, '/webhooks/applications', body);
      expect(response.status).toBe(202);
      ids[key] = response.body.applicationId;
      await upload(response.body.commitment.uploadUrl);
    }
    // 绿色通道: only the township, only for a sudden hardship
    const grant = {
      reason: '车祸住院，急需救助',
      measures: [{ type: 'TEMPORARY_ASSISTANCE', content: '临时救助3000元', amount: 3000 }],
    };
    expect((await staff('POST', `/applications/${ids.C!}/green-channel`, grant, 'p-vc-201')).status).toBe(
      403,
    );
    expect((await staff('POST', `/applications/${ids.B!}/green-channel`, grant, 'p-tr-105')).status).toBe(
      409,
    );
    const badGrant = await staff(
      'POST',
      `/applications/${ids.C!}/green-channel`,
      { reason: '', measures: [] },
      'p-tr-105',
    );
    expect(badGrant.status).toBe(400);
    const granted = await staff('POST', `/applications/${ids.C!}/green-channel`, grant, 'p-tr-105');
    expect(granted.status).toBe(200);
    expect(granted.body.history.at(-1).decision).toBe('green-channel');
    // every later approval page shows the grant
    await waitForStage(stack, ids.C!, 'GROUP_REVIEW');
    const page = await (await fetch((await linkFor(stack, 'p-gl-201', ids.C!))!)).text();
    expect(page).toContain('绿色通道');
    expect(page).toContain('临时救助3000元');

    await driveAll(stack, Object.values(ids), { timeoutMs: 240_000 });
    for (const id of Object.values(ids)) expect((await getApplication(stack, id)).stage).toBe('ACTIVE');

    // the clerk decided from a batch file, which names the case and the household
    const app = await getApplication(stack, ids.A!);
    const entry = app.history.find((h: any) => h.stage === 'SYSTEM_ENTRY' && h.decision === 'approve');
    const audit = await staff('GET', `/applications/${ids.A!}/audit`);
    expect(audit.body.items.some((a: any) => a.action === 'SYSTEM_ENTRY_BATCH_WRITTEN')).toBe(true);
    expect(entry.batchId).toMatch(/^SE-/);
    const batch = await fetch(`${stack.url}/districts/341302/system-entry-batch?format=csv`, {
      headers: { authorization: `Bearer ${await staffToken(stack, 'p-se-302')}` },
    });
    expect(batch.status).toBe(200);
    expect(await batch.text()).toContain('户主证件号码');
    // the clerk's page linked the case's own batch file, with the whole ID number to type in
    const clerkLink = await caseLink(stack, 'p-se-302', ids.A!);
    const clerkView = (await (
      await fetch(clerkLink!, { headers: { accept: 'application/json' } })
    ).json()) as any;
    expect(clerkView.systemEntryBatch.batchId).toBe(entry.batchId);
    const entryFile = new ExcelJS.Workbook();
    await entryFile.xlsx.load(
      (await (await fetch(clerkView.systemEntryBatch.xlsxUrl)).arrayBuffer()) as ArrayBuffer,
    );
    const header = entryFile.worksheets[0]!.getRow(1).values as unknown[];
    const values = entryFile.worksheets[0]!.getRow(2).values as unknown[];
    expect(values[header.indexOf('户主证件号码')]).toBe(headA);
    expect(values[header.indexOf('操作类型')]).toBe('标注纳入监测');

    const a = (await staff('GET', `/households/${households.李四!}`)).body;
    expect(a.monitoring).toMatchObject({ status: 'MONITORED', applicationId: ids.A, objectType: 'MARGINAL' });
    expect(a.plan.measures.map((m: any) => m.type)).toEqual(['HEALTH']);
    expect(a.plan.warnings.map((w: any) => w.rule)).toContain('ABLE_WITHOUT_DEVELOPMENT');

    const b = (await staff('GET', `/households/${households.王五!}`)).body;
    expect(b.monitoring.objectType).toBe('UNSTABLE_LIFTED');
    expect(b.monitoring.responsiblePerson.name).toBe('陈干部');
    expect(b.monitoring.responsiblePerson.phone).toBe('139****2001');

    const c = await getApplication(stack, ids.C!);
    expect(c.outcome.monitoringObjectType).toBe('SUDDEN_HARDSHIP');
    const cHousehold = (await listHouseholds()).find((h) => h.head?.name === '周六');
    const plan = (await staff('GET', `/households/${cHousehold.householdId}/plans/2026`)).body;
    expect(plan.measures.find((m: any) => m.content.includes('绿色通道'))).toMatchObject({
      status: 'DONE',
      amount: 3000,
    });
  });

  it('keeps grids and contact persons, with the reason of every reassignment', async () => {
    const id = households.李四!;
    expect(
      (await staff('PUT', `/villages/${VILLAGE}/grids/g1`, { name: '第一网格', members: ['nobody'] })).status,
    ).toBe(400);
    // a person of another village is no member of this village's grid, and no contact of its households
    const foreignMember = await staff('PUT', `/villages/${VILLAGE}/grids/g1`, {
      name: '第一网格',
      members: ['p-vc-201', 'p-gl-202'],
    });
    expect(foreignMember.status).toBe(400);
    expect(foreignMember.body.error.fields).toEqual([{ path: 'members.1', message: '该人员不负责本村' }]);
    expect(
      (
        await staff('PUT', `/villages/${VILLAGE}/grids/g1`, {
          name: '第一网格',
          members: ['p-vc-201', 'p-gl-201'],
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await staff('PUT', `/households/${id}/contact`, {
          gridId: 'g9',
          contactPersonId: 'p-gl-201',
          reason: '调整',
        })
      ).status,
    ).toBe(400);
    const foreignContact = await staff('PUT', `/households/${id}/contact`, {
      gridId: 'g1',
      contactPersonId: 'p-vc-202',
      reason: '原联系人工作调整',
    });
    expect(foreignContact.status).toBe(400);
    expect(foreignContact.body.error.fields[0].path).toBe('contactPersonId');
    const moved = await staff('PUT', `/households/${id}/contact`, {
      gridId: 'g1',
      contactPersonId: 'p-gl-201',
      reason: '原联系人工作调整',
    });
    expect(moved.status).toBe(200);
    expect(moved.body.monitoring.contactPerson.personId).toBe('p-gl-201');
    // the registry is edited as a whole; inconsistent data is refused with its field
    const current = (await staff('GET', `/households/${id}`)).body;
    const member = {
      health: 'HEALTHY',
      labour: 'ABLE',
      schooling: 'NONE',
      medicalInsurance: true,
      pensionInsurance: true,
      minimumLiving: false,
      extremePoverty: false,
    };
    const edit = {
      householdType: 'ORDINARY',
      phone: '13800001001',
      members: [
        {
          ...member,
          name: '李四',
          idNumber: headA,
          relation: 'HEAD',
          health: 'CHRONIC_ILLNESS',
          employment: 'STABLE',
        },
        { ...member, name: '赵梅', idNumber: spouseA, relation: 'SPOUSE', employment: 'LOCAL_FARMING' },
        {
          ...member,
          name: '李小',
          idNumber: childA,
          relation: 'CHILD',
          schooling: 'COMPULSORY',
          employment: 'NONE',
        },
      ],
      incomes: current.incomes.map(
        ({ year, wages, business, property, transfers, businessExpenses }: any) => ({
          year,
          wages,
          business,
          property,
          transfers,
          businessExpenses,
        }),
      ),
    };
    const inconsistent = await staff('PUT', `/households/${id}`, edit);
    expect(inconsistent.status).toBe(400);
    expect(inconsistent.body.error.fields[0].path).toBe('members[2].labour');
    const fixed = await staff('PUT', `/households/${id}`, {
      ...edit,
      members: edit.members.map((m) => (m.relation === 'CHILD' ? { ...m, labour: 'NOT_APPLICABLE' } : m)),
    });
    expect(fixed.status).toBe(200);
    expect(fixed.body.members[0].health).toBe('CHRONIC_ILLNESS');
    expect(fixed.body.monitoring.contactPerson.personId).toBe('p-gl-201');

    const audit = (await staff('GET', `/households/${id}/audit`)).body.items;
    expect(audit.at(-2)).toMatchObject({
      action: 'CONTACT_REASSIGNED',
      detail: { reason: '原联系人工作调整', to: 'p-gl-201' },
    });
  });

  it('records measures and visits by webhook; bad ones change nothing; overdue visits are reminded', async () => {
    const id = households.李四!;
    const measure = {
      requestId: 'measure-li-0001',
      householdId: id,
      year: 2026,
      measure: {
        type: 'EMPLOYMENT',
        // a member of this household (found by its ID hash: the numbers are sealed)
        memberIdNumber: spouseA,
        content: '推荐到县工业园稳定就业',
        responsible: { name: '村委1', unit: '村委会' },
        startsOn: '2026-04-01',
        status: 'DONE',
        outcome: '月收入3000元',
      },
    };
    const bad = await webhook(
      stack,
      '/webhooks/measures',
      { ...measure, requestId: 'measure-li-bad1', measure: { ...measure.measure, type: 'CASH' } },
      'mini-program',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].path).toBe('measure.type');
    const foreignMember = await webhook(
      stack,
      '/webhooks/measures',
      { ...measure, requestId: 'measure-li-bad2', measure: { ...measure.measure, memberIdNumber: headB } },
      'mini-program',
    );
    expect(foreignMember.status).toBe(400);
    expect((await staff('GET', `/households/${id}/plans/2026`)).body.measures).toHaveLength(1);
    const added = await webhook(stack, '/webhooks/measures', measure, 'mini-program');
    expect(added.status).toBe(200);
    expect(added.body.warnings.map((w: any) => w.rule)).not.toContain('ABLE_WITHOUT_DEVELOPMENT');
    expect((await webhook(stack, '/webhooks/measures', measure, 'mini-program')).body).toEqual(added.body);
    expect((await staff('GET', `/households/${id}/plans/2026`)).body.measures).toHaveLength(2);

    const visit = {
      requestId: 'visit-li-0001',
      householdId: id,
      visitorPersonId: 'p-gl-201',
      visitedOn: '2026-03-03',
      findings: '务工稳定，病情平稳',
    };
    expect(
      (
        await webhook(
          stack,
          '/webhooks/visits',
          { ...visit, visitedOn: '2099-01-01', requestId: 'visit-li-bad1' },
          'mini-program',
        )
      ).status,
    ).toBe(400);
    const foreignVisitor = await webhook(
      stack,
      '/webhooks/visits',
      { ...visit, visitorPersonId: 'p-gl-202', requestId: 'visit-li-bad3' },
      'mini-program',
    );
    expect(foreignVisitor.status).toBe(400);
    expect(foreignVisitor.body.error.fields[0]).toEqual({
      path: 'visitorPersonId',
      message: '走访人不负责本村',
    });
    expect((await webhook(stack, '/webhooks/visits', visit, 'mini-program')).status).toBe(201);
    expect((await staff('GET', `/households/${id}/visits`)).body.items).toHaveLength(1);
    // what a visitor typed shows masked, however the number was written
    const noted = await webhook(
      stack,
      '/webhooks/visits',
      { ...visit, requestId: 'visit-li-0002', findings: '其子电话 138 1234 5678，已联系' },
      'mini-program',
    );
    expect(noted.status).toBe(201);
    const findings = (await staff('GET', `/households/${id}/visits`)).body.items.map((v: any) => v.findings);
    expect(findings).toContain('其子电话 138****5678，已联系');
    // a new risk in a monitored household is told to the village committee once, however often delivered
    const risk = {
      requestId: 'visit-wang-0001',
      householdId: households.王五!,
      visitorPersonId: 'p-gl-201',
      visitedOn: '2026-03-03',
      findings: '老伴住院，医疗费用增加',
      newRiskTypes: ['ILLNESS'],
    };
    expect((await webhook(stack, '/webhooks/visits', risk, 'mini-program')).status).toBe(201);
    expect((await webhook(stack, '/webhooks/visits', risk, 'mini-program')).status).toBe(201);
    const told = (await outbox(stack, 'p-vc-201')).filter((m: any) => m.text.startsWith('走访发现王五户'));
    expect(told).toHaveLength(1);

    await advanceClock(stack, 'P60D');
    const overdue: any[] = await until('the overdue list', async () => {
      const items = (await staff('GET', `/villages/${VILLAGE}/visits/overdue`)).body.items;
      return items.some((i: any) => i.householdId === id) ? items : undefined;
    });
    expect(overdue.find((i: any) => i.householdId === id).followUpOverdue).toBe(true);
    await until('a visit reminder', async () =>
      (await outbox(stack, 'p-gl-201')).some((m: any) => m.text.startsWith('提醒')) ? true : undefined,
    );
  });

  it('refuses elimination before its time, and a household with no labour with 暂不标注', async () => {
    const early = await staff('POST', `/households/${households.李四!}/elimination`, PROPOSAL, 'p-vc-201');
    expect(early.status).toBe(422);
    expect(early.body.error.fields.map((f: any) => f.path)).toContain('MONITORED_TOO_SHORT');
    expect(
      (
        await staff(
          'POST',
          `/households/${households.李四!}/elimination`,
          { ...PROPOSAL, way: 'SOON' },
          'p-vc-201',
        )
      ).status,
    ).toBe(400);
    expect(
      (await staff('POST', `/households/${households.李四!}/elimination`, PROPOSAL, 'p-df-302')).status,
    ).toBe(403);

    const noLabour = await staff('POST', `/households/${households.王五!}/elimination`, PROPOSAL, 'p-vc-201');
    expect(noLabour.status).toBe(422);
    expect(noLabour.body.error).toMatchObject({ code: 'NOT_ELIGIBLE', notMarked: true });
    expect(noLabour.body.error.message).toContain('暂不标注');
    const b = (await staff('GET', `/households/${households.王五!}`)).body;
    expect(b.monitoring.status).toBe('MONITORED');
    expect(b.monitoring.notMarked.reason).toContain('无劳动能力');
  });

  it('marks a household 风险消除 through 评议, publicity and the levels; a new risk then re-marks it', async () => {
    await advanceClock(stack, 'P150D');
    const proposed = await staff('POST', `/households/${households.李四!}/elimination`, PROPOSAL, 'p-vc-201');
    expect(proposed.status).toBe(202);
    const caseId = proposed.body.caseId;
    expect(
      (await staff('POST', `/households/${households.李四!}/elimination`, PROPOSAL, 'p-vc-201')).status,
    ).toBe(409);

    const stages = await driveAll(stack, [caseId], { timeoutMs: 240_000 });
    expect(stages.get(caseId)).toBe('RISK_ELIMINATED');
    const done = await getApplication(stack, caseId);
    expect(done.history.map((h: any) => h.stage)).toEqual(
      expect.arrayContaining([
        'VILLAGE_REVIEW',
        'PUBLICITY',
        'TOWNSHIP_REVIEW',
        'DISTRICT_FILING',
        'SYSTEM_ENTRY',
      ]),
    );
    const a = (await staff('GET', `/households/${households.李四!}`)).body;
    expect(a.monitoring.status).toBe('RISK_ELIMINATED');
    expect(a.monitoring.eliminated).toMatchObject({ way: 'ASSISTED', caseId, weakStability: false });
    expect(a.monitoring.eliminated.month).toMatch(/^2026-\d{2}$/);

    // a follow-up visit finds a new risk: 风险再标注 through a new identification, its history linked
    const visit = {
      requestId: 'visit-li-remark1',
      householdId: households.李四!,
      visitorPersonId: 'p-gl-201',
      visitedOn: a.monitoring.eliminated.month.concat('-01'),
      findings: '户主突发脑梗住院，医疗费用高',
      newRiskTypes: ['ILLNESS'],
    };
    const seen = await webhook(stack, '/webhooks/visits', visit, 'mini-program');
    expect(seen.status).toBe(201);
    const remarkId = seen.body.remarking.applicationId;
    const remark = await getApplication(stack, remarkId);
    expect(remark.stage).toBe('AWAITING_COMMITMENT');
    const stored = await staff('GET', `/applications/${remarkId}`);
    expect(stored.body.history[0].comment).toContain('风险再标注');
    expect(
      (await webhook(stack, '/webhooks/visits', visit, 'mini-program')).body.remarking.applicationId,
    ).toBe(remarkId);
  });
});
