/**
 * 部门筛查 as a use case, on the in-memory stores: leads raised with their deadlines in working days,
 * one digest per village, nothing new from the same files again, and the refusals.
 */
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { CaseError } from '#cases/errors';
import { runScreening } from '#cases/leads/screening-run';
import { checkCharacter } from '#domain/id-number';
import { hashIdNumber, householdIdOf } from '#store/identity';
import { fakeContext } from '../support/fake-context.ts';

const VILLAGE = '341302105201';
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
    expect(lead!.reasons.map((r) => r.rule)).toEqual(['MEDICAL_ANNUAL', 'OUT_OF_SCHOOL']);
    expect(ctx.store.leadStore.outbox.map((m) => [m.to.personId, m.text])).toEqual([
      [
        'p-vc-201',
        '2026-02部门筛查预警：本村有1条风险线索待核实，最早须于2026-03-05前完成入户核实并登记结果。',
      ],
    ]);
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
