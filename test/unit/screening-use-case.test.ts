/**
 * 部门筛查 as a use case, on the in-memory stores: leads raised with their deadlines in working days,
 * one digest per village, nothing new from the same files again, and the refusals.
 */
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { CaseError } from '#cases/errors';
import { closeAreaEvent, declareAreaEvent, readAreaEvent } from '#cases/leads/area-events';
import { watchLeads } from '#cases/leads/lead-watch';
import { runScreening } from '#cases/leads/screening-run';
import { verifyLead } from '#cases/leads/verification';
import { checkCharacter } from '#domain/id-number';
import { hashIdNumber, householdIdOf } from '#store/identity';
import { fakeContext } from '../support/fake-context.ts';

const VILLAGE = '341302105201';

// where the digests' personal links point
beforeAll(() => {
  vi.stubEnv('PUBLIC_BASE_URL', 'https://fangfan.test');
});
const id18 = (first17: string) => first17 + checkCharacter(first17);
const HEAD = id18('34130219800101123');
const CHILD = id18('34130220140305124');

async function district() {
  const ctx = fakeContext();
  const base = ctx;
  const hash = (n: string) => hashIdNumber(n, ctx.secrets.idHmacKey);
  await ctx.store.importHouseholds(
    [
      {
        village: VILLAGE,
        idHash: hash(HEAD),
        householdType: 'LIFTED',
        flags: {},
        head: { name: '甲', idNumber: HEAD, phone: '13800001001' },
        members: [],
        memberIdHashes: [hash(HEAD), hash(CHILD)],
        incomes: [],
      },
    ],
    { action: 'REGISTRY_IMPORTED', by: 'p-df-302', at: base.clock.nowIso(), detail: { importId: 'imp-1' } },
  );
  await ctx.documents.write(
    'extracts/341302/2026-02/MEDICAL',
    `证件号码,姓名,年度累计个人自付金额,当月门诊自付金额\n${HEAD},甲,6000,0\n${HEAD.slice(0, 17)},坏,1,0\n`,
    'text/csv',
  );
  await ctx.documents.write(
    'extracts/341302/2026-02/EDUCATION',
    iconv.encode(`证件号码,姓名,学籍状态\n${CHILD},甲子,辍学\n`, 'gbk'),
    'text/csv',
  );
  return ctx;
}

const directoryOf = async (ctx: Awaited<ReturnType<typeof district>>, personId: string) =>
  (await ctx.store.getDirectory()).people.find((p) => p.personId === personId)!;

describe('a screening run, called directly', () => {
  it('raises one lead per household at its highest grade, due in that grade’s working days, and tells the village once', async () => {
    const ctx = await district();
    const run = await runScreening(ctx, await directoryOf(ctx, 'p-df-302'), {
      district: '341302',
      month: '2026-02',
    });
    expect(run).toMatchObject({ leads: 1, alreadyRaised: 0, suppressed: 0 });
    expect(run.departments).toMatchObject({
      MEDICAL: { rows: 2, badRows: 1, hits: 1 },
      EDUCATION: { hits: 1 },
    });
    const [lead] = [...ctx.store.leadStore.leads.values()];
    expect(lead).toMatchObject({
      source: 'DEPARTMENT_SCREENING',
      village: VILLAGE,
      subjectKey: householdIdOf(VILLAGE, hashIdNumber(HEAD, ctx.secrets.idHmacKey)),
      grade: 1,
      status: 'OPEN',
      arrivedOn: '2026-03-02',
      // grade 1: 3 working days after Monday 2026-03-02
      dueOn: '2026-03-05',
      dueProvisional: false,
    });
    expect(lead!.reasons.map((r) => ('rule' in r ? r.rule : r.kind))).toEqual([
      'MEDICAL_ANNUAL',
      'OUT_OF_SCHOOL',
    ]);
    expect(ctx.store.leadStore.outbox.map((m) => [m.to.personId, m.text])).toEqual([
      [
        'p-vc-201',
        '2026-02部门筛查预警：本村有1条风险线索待核实，最早须于2026-03-05前完成入户核实并登记结果。',
      ],
    ]);
    // the digest carries the cadre's personal link to the village's leads
    const [digest] = ctx.store.outbox.filter((m) => m.kind === 'LEADS_TO_VERIFY');
    expect(digest!.link).toMatch(/^https:\/\/fangfan\.test\/lead-links\/341302105201\?t=[\w-]+\.[\w-]+$/);
    expect(ctx.store.audit.map((a) => a.action)).toEqual([
      'REGISTRY_IMPORTED',
      'LEAD_RAISED',
      'SCREENING_RUN',
    ]);

    // the same files again: nothing new raised, nobody told again
    const again = await runScreening(ctx, await directoryOf(ctx, 'p-df-302'), {
      district: '341302',
      month: '2026-02',
    });
    expect(again).toMatchObject({ leads: 1, alreadyRaised: 1 });
    expect(ctx.store.leadStore.leads.size).toBe(1);
    expect(ctx.store.leadStore.outbox).toHaveLength(1);
  });

  it('is the district’s to run, and needs the month’s files', async () => {
    const ctx = await district();
    const cadre = await runScreening(ctx, await directoryOf(ctx, 'p-vc-201'), {
      district: '341302',
      month: '2026-02',
    }).catch((e) => e);
    expect(cadre).toBeInstanceOf(CaseError);
    expect(cadre.code).toBe('FORBIDDEN');
    const missing = await runScreening(ctx, await directoryOf(ctx, 'p-df-302'), {
      district: '341302',
      month: '2026-01',
    }).catch((e) => e);
    expect(missing).toMatchObject({ code: 'NOT_FOUND', fields: [{ path: 'month' }] });
    expect(ctx.store.leadStore.leads.size + ctx.store.leadStore.runs.size + ctx.store.outbox.length).toBe(0);
  });
});

describe('verifying a lead, called directly', () => {
  async function openLead() {
    const ctx = await district();
    await runScreening(ctx, await directoryOf(ctx, 'p-df-302'), { district: '341302', month: '2026-02' });
    const [lead] = [...ctx.store.leadStore.leads.values()];
    return { ctx, lead: lead!, cadre: await directoryOf(ctx, 'p-vc-201') };
  }
  const atRisk = {
    outcome: 'AT_RISK' as const,
    findings: '孩子因病辍学在家，医疗费用负担重',
    riskTypes: ['ILLNESS' as const, 'EDUCATION' as const],
    declaredAnnualIncome: 18000,
    householdSize: 3,
  };

  it('AT_RISK opens an identification through the chain with the lead linked; the same lead twice is refused', async () => {
    const { ctx, lead, cadre } = await openLead();
    const verified = await verifyLead(ctx, cadre, lead.leadId, atRisk);
    expect(verified).toMatchObject({
      status: 'VERIFIED',
      verification: { outcome: 'AT_RISK', byPersonId: 'p-vc-201' },
    });
    const caseId = verified.verification!.caseId!;
    const opened = ctx.store.applications.get(caseId)!;
    expect(opened).toMatchObject({
      channel: 'risk-lead',
      callId: `lead:${lead.leadId}`,
      stage: 'AWAITING_COMMITMENT',
      riskTypes: ['ILLNESS', 'EDUCATION'],
      applicant: { idHash: hashIdNumber(HEAD, ctx.secrets.idHmacKey) },
    });
    expect(ctx.workflows.started.map((s) => s.caseId)).toEqual([caseId]);
    expect(ctx.store.leadStore.leads.get(lead.leadId)!.version).toBe(2);

    const twice = await verifyLead(ctx, cadre, lead.leadId, atRisk).catch((e) => e);
    expect(twice).toMatchObject({ code: 'CONFLICT' });
    expect(ctx.store.applications.size).toBe(1);
  });

  it('AT_RISK of a monitored household adds its risks and asks its contact person for a plan review', async () => {
    const { ctx, lead, cadre } = await openLead();
    const key = [...ctx.store.households.keys()][0]!;
    const household = ctx.store.households.get(key)!;
    household.monitoring = {
      status: 'MONITORED',
      applicationId: '341302105201-EARLIER0000001',
      objectType: 'MARGINAL',
      riskTypes: ['DISASTER'],
      since: '2025-06-01',
      contactPerson: { personId: 'p-gl-201', name: '组长一', phone: '13800000201' },
      cases: [],
    };
    await verifyLead(ctx, cadre, lead.leadId, atRisk);
    expect(ctx.store.applications.size).toBe(0);
    expect(ctx.store.households.get(key)!.monitoring!.riskTypes).toEqual([
      'DISASTER',
      'ILLNESS',
      'EDUCATION',
    ]);
    const told = ctx.store.outbox.filter((m) => m.to.personId === 'p-gl-201');
    expect(told.map((m) => m.text)).toEqual([
      '甲户经风险线索核实存在新风险（因病、因学），请调整帮扶计划并跟踪走访。',
    ]);
    expect(ctx.store.audit.filter((a) => a.action === 'LEAD_VERIFIED')).toHaveLength(2); // the lead's and the household's
  });

  it('EXCLUSION_CONFIRMED flags the household for the township; DATA_ERROR keeps its note for the department', async () => {
    const ctx = await district();
    await ctx.documents.write(
      'extracts/341302/2026-02/PUBLIC_SECURITY',
      `证件号码,姓名,事项,车辆类型,发生日期\n${HEAD},甲,机动车登记,小型轿车,2026-02-10\n`,
      'text/csv',
    );
    await runScreening(ctx, await directoryOf(ctx, 'p-df-302'), { district: '341302', month: '2026-02' });
    const leads = [...ctx.store.leadStore.leads.values()];
    const exclusion = leads.find((l) => l.kind === 'EXCLUSION')!;
    const risk = leads.find((l) => l.kind === 'RISK')!;
    const cadre = await directoryOf(ctx, 'p-vc-201');
    await verifyLead(ctx, cadre, exclusion.leadId, {
      outcome: 'EXCLUSION_CONFIRMED',
      findings: '新购小轿车一辆，家用',
    });
    const household = [...ctx.store.households.values()][0]!;
    expect(household.flags).toMatchObject({ privateCar: true });
    const told = ctx.store.outbox.filter((m) => m.to.personId === 'p-tr-105');
    expect(told.map((m) => m.text)).toEqual([
      expect.stringMatching(
        /^甲户（.+村）经风险线索核实存在“本人、家庭成员或分户子女家中有消费型轿车”情形，请复核。$/,
      ),
    ]);
    const wrong = await verifyLead(ctx, cadre, risk.leadId, {
      outcome: 'DATA_ERROR',
      note: '该生已转学外省，学籍未更新',
    });
    expect(wrong.verification).toMatchObject({ outcome: 'DATA_ERROR', reason: '该生已转学外省，学籍未更新' });
    expect(ctx.store.applications.size).toBe(0);
  });

  it('keeps NO_RISK with its reason, refuses an outcome of the other kind, and is the village’s to verify', async () => {
    const { ctx, lead, cadre } = await openLead();
    const other = await verifyLead(ctx, await directoryOf(ctx, 'p-vc-202'), lead.leadId, {
      outcome: 'NO_RISK',
      reason: '已核实无风险',
    }).catch((e) => e);
    expect(other).toMatchObject({ code: 'FORBIDDEN' });
    const mismatch = await verifyLead(ctx, cadre, lead.leadId, {
      outcome: 'EXCLUSION_CONFIRMED',
      findings: '有轿车',
    }).catch((e) => e);
    expect(mismatch).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ path: 'outcome' }] });
    expect(ctx.store.leadStore.leads.get(lead.leadId)!.status).toBe('OPEN');
    const kept = await verifyLead(ctx, cadre, lead.leadId, {
      outcome: 'NO_RISK',
      reason: '医疗费用已由大病保险报销',
    });
    expect(kept.verification).toMatchObject({ outcome: 'NO_RISK', reason: '医疗费用已由大病保险报销' });
    expect(kept.verification!.caseId).toBeUndefined();
  });
});

describe('the daily watch over leads, called directly', () => {
  const DAY = 24 * 3600 * 1000;

  it('reminds the village once a lead is overdue, then escalates to the township once it is red', async () => {
    const ctx = await district();
    await runScreening(ctx, await directoryOf(ctx, 'p-df-302'), { district: '341302', month: '2026-02' });
    const [lead] = [...ctx.store.leadStore.leads.values()];
    expect(lead!.dueOn).toBe('2026-03-05');
    const sent = () => ctx.store.outbox.filter((m) => /超期|逾期/.test(m.text)).map((m) => m.to.personId);

    // Thursday 03-05, the due day: nothing yet
    ctx.clock.advance(3 * DAY);
    expect(await watchLeads(ctx)).toEqual({ reminded: 0, escalated: 0 });
    // Friday 03-06: past it, the village is reminded, once
    ctx.clock.advance(DAY);
    expect(await watchLeads(ctx)).toEqual({ reminded: 1, escalated: 0 });
    expect(await watchLeads(ctx)).toEqual({ reminded: 0, escalated: 0 });
    expect(sent()).toEqual(['p-vc-201']);
    // Thursday 03-12: five working days past, escalated to the township, once
    ctx.clock.advance(6 * DAY);
    expect(await watchLeads(ctx)).toEqual({ reminded: 0, escalated: 1 });
    ctx.clock.advance(DAY);
    expect(await watchLeads(ctx)).toEqual({ reminded: 0, escalated: 0 });
    expect(sent()).toEqual(['p-vc-201', 'p-tr-105']);
    expect(ctx.store.outbox.at(-1)!.text).toContain('甲户');
    expect(ctx.store.audit.filter((a) => a.action.startsWith('LEAD_')).map((a) => a.action)).toEqual([
      'LEAD_RAISED',
      'LEAD_REMINDED',
      'LEAD_ESCALATED',
    ]);
  });
});

describe('an area event, called directly', () => {
  const flood = {
    kind: 'FLOOD' as const,
    villages: [VILLAGE],
    occurredOn: '2026-02-27',
    description: '山洪冲毁部分农田和房屋',
  };

  it('raises a lead per registered household, shows progress per village, and closes once all are verified', async () => {
    const ctx = await district();
    const township = await directoryOf(ctx, 'p-tr-105');
    const event = await declareAreaEvent(ctx, township, '341302', flood);
    expect(event).toMatchObject({
      eventId: '341302-FLOOD-2026-02-27',
      leads: 1,
      status: 'OPEN',
      villages: [VILLAGE],
    });
    const [lead] = [...ctx.store.leadStore.leads.values()];
    // a 脱贫户: grade 2, 5 working days
    expect(lead).toMatchObject({ source: 'AREA_EVENT', grade: 2, dueOn: '2026-03-09' });
    expect(ctx.store.outbox.map((m) => m.text)).toEqual([
      '洪涝灾害（2026-02-27）：本村1户须入户核实风险，最早须于2026-03-09前完成并登记结果。',
    ]);
    // declared again (after an interruption, say): nothing raised twice
    expect(await declareAreaEvent(ctx, township, '341302', flood)).toMatchObject({ leads: 1, version: 2 });
    expect(ctx.store.leadStore.leads.size).toBe(1);

    const read = await readAreaEvent(ctx, township, '341302', event.eventId);
    expect(read.progress).toEqual([
      { village: VILLAGE, households: 1, verified: 0, atRisk: 0, identified: 0, overdue: 0 },
    ]);
    await expect(
      closeAreaEvent(ctx, township, '341302', event.eventId, '受灾农户均已核实'),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      extra: { open: 1 },
    });
    await verifyLead(ctx, await directoryOf(ctx, 'p-vc-201'), lead!.leadId, {
      outcome: 'NO_RISK',
      reason: '房屋未受损，收入正常',
    });
    const closed = await closeAreaEvent(ctx, township, '341302', event.eventId, '受灾农户均已核实');
    expect(closed).toMatchObject({ status: 'CLOSED', summary: '受灾农户均已核实', closedBy: 'p-tr-105' });
    expect(closed.progress[0]).toMatchObject({ households: 1, verified: 1 });
  });

  it('is declared by the township or the district for villages of the district only', async () => {
    const ctx = await district();
    const cadre = await declareAreaEvent(ctx, await directoryOf(ctx, 'p-vc-201'), '341302', flood).catch(
      (e) => e,
    );
    expect(cadre).toMatchObject({ code: 'FORBIDDEN' });
    const elsewhere = await declareAreaEvent(ctx, await directoryOf(ctx, 'p-df-302'), '341302', {
      ...flood,
      villages: ['341399105201'],
    }).catch((e) => e);
    expect(elsewhere).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ path: 'villages[0]' }] });
    expect(ctx.store.leadStore.leads.size + ctx.store.leadStore.events.size).toBe(0);
  });
});
