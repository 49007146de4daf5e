/**
 * 预警信息核实反馈表: the district's sheet of a month's leads with what each village found, to send
 * back to the departments — the lead, its grade and reasons, the deadline, the outcome, who verified
 * it and when, and whether that was late. ID numbers are never in it; it names the household's head.
 */
import ExcelJS from 'exceljs';
import { businessDate } from '#domain/calendar';
import type { Person } from '#domain/directory';
import { reasonText } from '#domain/lead';
import { covers } from '#domain/scope';
import { GRADE_LABELS, LEAD_SOURCES, VERIFICATION_OUTCOMES } from '#domain/screening';
import { parseHouseholdId } from '#store/identity';
import type { CaseContext } from '../context.ts';
import { CaseError } from '../errors.ts';
import { safeSheet } from '../safe-sheets.ts';

const COLUMNS = [
  { header: '序号', key: 'n', width: 6 },
  { header: '村', key: 'village', width: 12 },
  { header: '户主（申请人）', key: 'head', width: 12 },
  { header: '线索来源', key: 'source', width: 14 },
  { header: '预警等级', key: 'grade', width: 14 },
  { header: '预警事由', key: 'reasons', width: 48 },
  { header: '下发日期', key: 'arrivedOn', width: 12 },
  { header: '核实期限', key: 'dueOn', width: 12 },
  { header: '核实结果', key: 'outcome', width: 14 },
  { header: '核实情况', key: 'findings', width: 40 },
  { header: '核实人', key: 'by', width: 10 },
  { header: '核实日期', key: 'verifiedOn', width: 12 },
  { header: '是否逾期', key: 'late', width: 10 },
] as const;

/** `GET /districts/{code}/screenings/{month}/feedback`: the month's leads of the district, village by village. */
export async function feedbackWorkbook(
  ctx: CaseContext,
  caller: Person,
  district: string,
  month: string,
): Promise<{ bytes: Buffer; filename: string }> {
  if (!covers(caller, district)) throw new CaseError('FORBIDDEN', '无权查看此区县的部门筛查');
  const directory = await ctx.store.getDirectory();
  const today = businessDate(ctx.clock.now());
  const workbook = new ExcelJS.Workbook();
  const sheet = safeSheet(workbook.addWorksheet('预警信息核实反馈表'));
  sheet.columns = COLUMNS.map((c) => ({ ...c }));
  sheet.getRow(1).font = { bold: true };
  let n = 0;
  for (const village of directory.villages.filter((v) => v.code.startsWith(district))) {
    for (const lead of await ctx.store.listLeads(village.code, { month })) {
      const id = parseHouseholdId(lead.subjectKey);
      const household = id ? await ctx.store.getHousehold(id.village, id.idHash) : undefined;
      const verifiedOn = lead.verification ? businessDate(lead.verification.at) : undefined;
      sheet.addRow({
        n: ++n,
        village: village.name,
        head: household?.head?.name ?? '在办申请人',
        source: LEAD_SOURCES[lead.source],
        grade: lead.kind === 'EXCLUSION' ? '排除情形' : GRADE_LABELS[lead.grade],
        reasons: lead.reasons.map(reasonText).join('；'),
        arrivedOn: lead.arrivedOn,
        dueOn: lead.dueOn,
        outcome: lead.verification ? VERIFICATION_OUTCOMES[lead.verification.outcome] : '待核实',
        findings: lead.verification?.reason ?? '',
        by: lead.verification?.by ?? '',
        verifiedOn: verifiedOn ?? '',
        late: (verifiedOn ?? today) > lead.dueOn ? '是' : '否',
      });
    }
  }
  sheet.getColumn('reasons').alignment = { wrapText: true, vertical: 'top' };
  sheet.getColumn('findings').alignment = { wrapText: true, vertical: 'top' };
  return {
    bytes: Buffer.from(await workbook.xlsx.writeBuffer()),
    filename: `预警信息核实反馈表-${district}-${month}.xlsx`,
  };
}
