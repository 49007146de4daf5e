/**
 * Personal data on the running stack: free text shows ID numbers and phones masked wherever people
 * read it (API, pages, messages, audit), and R12 — a raw scan of DynamoDB Local's files finds no whole
 * ID number or phone, though the national-system entry file and the sender still get them whole.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { SAMPLE_DIRECTORY } from '../../infra/local/seed.ts';
import {
  applicationBody,
  caseLink,
  decide,
  linkFor,
  outbox,
  rawTable,
  sampleIdNumber,
  staffRequest,
  until,
  upload,
  useLocalStack,
  waitForStage,
  webhook,
} from '../support/local-stack.ts';

const VILLAGE = '341302105201';
const head = sampleIdNumber('34130219580808018');
const member = sampleIdNumber('34130219600909029');
const applicantId = sampleIdNumber('34130219700101037');
/** what people type into free text: spaced, hyphenated, with +86, in full-width digits */
const TYPED = {
  spacedPhone: '138 1234 5678',
  internationalPhone: '+86-139-8765-4321',
  spacedId: '341302 19800101 1233',
  fullWidthPhone: '１３６１２３４５６７８',
};
const WHOLE = {
  spacedPhone: '13812345678',
  internationalPhone: '13987654321',
  spacedId: '341302198001011233',
  fullWidthPhone: '13612345678',
};

describe('personal data', () => {
  const stack = useLocalStack({ FANGFAN_LOCAL_NOW: '2026-06-09T02:00:00Z' });
  const staff = (method: string, path: string, body?: unknown, personId = 'p-df-302', type?: string) =>
    staffRequest(stack, method, path, body, personId, type);
  const applicantPhone = '13755556666';
  const freeText = `家中突发变故。联系人电话${TYPED.spacedPhone}，另一联系人${TYPED.internationalPhone}，配偶身份证${TYPED.spacedId}，邻居${TYPED.fullWidthPhone}`;
  let applicationId = '';

  it('imports a registry whose numbers are then stored sealed; the household view shows them masked', async () => {
    const header =
      '村代码,村民小组,户类型,户主证件号码,联系电话,成员姓名,成员证件号码,与户主关系,健康状况,劳动能力,在校情况,务工情况,参加医保,参加养老保险,享受低保,特困供养,消费型轿车,财政供养人员,企业高管,帮扶责任人,帮扶责任人电话';
    const rows = [
      `${VILLAGE},第一村民小组,脱贫户,${head},13800009001,钱七,${head},户主,长期慢性病,普通劳动力,非在校生,稳定务工,是,是,否,否,否,否,否,周干部,13900009002`,
      `${VILLAGE},第一村民小组,脱贫户,${head},,孙八,${member},配偶,残疾,丧失劳动力,非在校生,未务工,是,是,否,否,否,否,否,,`,
    ];
    const imported = await staff(
      'POST',
      '/households/import',
      [header, ...rows].join('\n'),
      'p-df-302',
      'text/csv',
    );
    expect(imported.status).toBe(200);
    const listed = (await staff('GET', `/villages/${VILLAGE}/households`)).body.items as any[];
    const household = listed.find((h) => h.head?.name === '钱七');
    expect(household.head.idNumber).toBe(`${head.slice(0, 6)}********${head.slice(-4)}`);
    expect(household.head.phone).toBe('138****9001');
    // the one view that shows health details decrypts them; the list shows none
    expect(household.members.map((m: any) => m.health)).toEqual(['*', '*']);
    const detail = (await staff('GET', `/households/${household.householdId}`)).body;
    expect(detail.members.map((m: any) => m.health)).toEqual(['CHRONIC_ILLNESS', 'DISABLED']);
    expect(detail.members[1].idNumber).toBe(`${member.slice(0, 6)}********${member.slice(-4)}`);
    expect(JSON.stringify(detail)).not.toContain('pii:1:');
  });

  it('masks what people typed into free text, in the API, the page, the audit and the rejection SMS', async () => {
    const body = applicationBody({
      applicant: { ...applicationBody().applicant, idNumber: applicantId, phone: applicantPhone },
      reason: freeText,
    });
    const submitted = await webhook(stack, '/webhooks/applications', body);
    expect(submitted.status).toBe(202);
    applicationId = submitted.body.applicationId;
    await upload(submitted.body.commitment.uploadUrl);
    await waitForStage(stack, applicationId, 'GROUP_REVIEW');

    const app = (await staff('GET', `/applications/${applicationId}`)).body;
    for (const whole of Object.values(WHOLE)) expect(JSON.stringify(app)).not.toContain(whole);
    expect(app.reason).toContain('138****5678');
    expect(app.reason).toContain('139****4321');
    expect(app.reason).toContain('341302********1233');
    expect(app.reason).toContain('136****5678');

    const link = await linkFor(stack, 'p-gl-201', applicationId);
    const page = await (await fetch(link)).text();
    for (const typed of [...Object.values(TYPED), ...Object.values(WHOLE)]) expect(page).not.toContain(typed);
    expect(page).toContain('138****5678');

    const rejected = await decide(link, {
      decision: 'reject',
      comment: `经核实收入较高，请联系${TYPED.spacedPhone}`,
    });
    expect(rejected.body.stage).toBe('REJECTED');
    const told = await until('the applicant told', async () =>
      (await outbox(stack, applicantPhone)).find((m) => m.text.includes('未通过')),
    );
    expect(told.text).toContain('138****5678');
    expect(told.text).not.toContain(TYPED.spacedPhone);
    // the sender still reached the whole number
    expect(told.to.phone).toBe(applicantPhone);

    const audit = JSON.stringify((await staff('GET', `/applications/${applicationId}/audit`)).body);
    for (const typed of [...Object.values(TYPED), ...Object.values(WHOLE)])
      expect(audit).not.toContain(typed);
    expect(audit).toContain('138****5678');
    const again = await (await fetch((await caseLink(stack, 'p-gl-201', applicationId))!)).text();
    expect(again).not.toContain(TYPED.spacedPhone);
  });

  it('masks free text in the ledger (问题整改台账) API', async () => {
    const campaign = await staff(
      'POST',
      '/townships/341302105/campaigns',
      { name: '2026年集中排查', year: 2026 },
      'p-tr-105',
    );
    expect(campaign.status).toBe(201);
    const problem = await staff(
      'POST',
      `/campaigns/${campaign.body.campaignId}/problems`,
      {
        level: 'TOWNSHIP',
        category: 4,
        item: 4,
        content: `供水管护不到位，群众反映电话${TYPED.internationalPhone}`,
        measure: `落实管护责任，联系人${TYPED.spacedPhone}`,
        responsible: { name: '王乡长', unit: '乡水利站' },
        deadline: '2026-06-30',
      },
      'p-tr-105',
    );
    expect(problem.status).toBe(201);
    expect(JSON.stringify(problem.body)).not.toContain(WHOLE.internationalPhone);
    const read = (await staff('GET', `/problems/${problem.body.problemId}`, undefined, 'p-tr-105')).body;
    expect(read.content).toContain('139****4321');
    expect(read.measure).toContain('138****5678');
    expect(JSON.stringify(read)).not.toContain(WHOLE.internationalPhone);
    // and in annex 3-2 as the township downloads it
    const requested = await staff(
      'POST',
      `/campaigns/${campaign.body.campaignId}/exports`,
      { kind: 'annex3-2' },
      'p-tr-105',
    );
    expect(requested.status).toBe(202);
    const done = await until('the annex 3-2 export', async () => {
      const job = (await staff('GET', `/exports/${requested.body.exportId}`, undefined, 'p-tr-105')).body;
      return job.status === 'DONE' ? job : undefined;
    });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await (await fetch(done.downloadUrl)).arrayBuffer()) as ArrayBuffer);
    const cells: string[] = [];
    workbook.worksheets[0]!.eachRow((row) => {
      for (const v of (row.values as unknown[]).slice(1)) cells.push(String(v ?? ''));
    });
    const sheet = cells.join('\n');
    expect(sheet).toContain('群众反映电话139****4321');
    expect(sheet).toContain('联系人138****5678');
    for (const typed of [...Object.values(TYPED), ...Object.values(WHOLE)])
      expect(sheet).not.toContain(typed);
    expect(sheet).not.toContain('pii:1:');
  });

  it('R12: a raw scan of the table finds no whole ID number or phone', async () => {
    const raw = rawTable(stack.dataDir);
    const ids = [head, member, applicantId, WHOLE.spacedId];
    const phones = [
      applicantPhone,
      '13800009001',
      '13900009002',
      ...Object.values(WHOLE).filter((v) => v.length === 11),
      ...SAMPLE_DIRECTORY.people.map((p) => p.phone),
    ];
    const typed = Object.values(TYPED);
    const found = [...ids, ...phones, ...typed].filter((v) => raw.includes(v));
    console.log(
      `R12: ${raw.length} bytes of DynamoDB Local's files scanned for ${ids.length} ID numbers, ${phones.length} phones and ${typed.length} typed forms: ${found.length} found`,
    );
    expect(found).toEqual([]);
    // and the data is there, sealed
    expect(raw).toContain('pii:1:');
    expect(raw).toContain('钱七');
  });
});
