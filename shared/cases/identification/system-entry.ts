/**
 * 全国系统录入批次: before the clerk's step the workflow writes the case's batch file (XLSX and CSV)
 * to S3; the approval page links it and the clerk's decision records its id. Staff can also take one
 * file of every case waiting for entry in a district.
 */

import ExcelJS from 'exceljs';
import { businessDate } from '#domain/calendar';
import { type Case, isElimination, isIdentification } from '#domain/case';
import { SYSTEM_ENTRY_COLUMNS, type SystemEntryRow, systemEntryRow, toCsv } from '#domain/system-entry';
import { revealFields } from '#runtime/field-crypto';
import type { CaseContext } from '../context.ts';
import { objectTypeOf } from '../monitoring/outcomes.ts';
import { safeSheet, XLSX_TYPE } from '../safe-sheets.ts';
import { updateWithRetry } from './updates.ts';

/** A case's row, with the head's ID number and phone whole: the national system needs them. */
export async function rowFor(ctx: CaseContext, app: Case): Promise<SystemEntryRow> {
  const head = await revealFields(ctx.crypto, app.applicant, ['idNumber', 'phone']);
  const township = [...app.history]
    .reverse()
    .find((h) => h.stage === 'TOWNSHIP_REVIEW' && h.decision === 'approve');
  return systemEntryRow({
    kind: app.kind ?? 'IDENTIFICATION',
    caseId: app.applicationId,
    village: app.village,
    villageName: app.villageName,
    group: app.group,
    head,
    householdSize: app.householdSize,
    householdType: app.householdType,
    objectType: app.kind === 'ELIMINATION' ? undefined : objectTypeOf(app),
    riskTypes: app.riskTypes,
    perCapitaIncome: app.perCapitaIncome,
    townshipDecidedOn: township ? businessDate(new Date(township.at)) : undefined,
    eliminationWay: isElimination(app) ? app.elimination.proposal.way : undefined,
    eliminationMonth: app.kind === 'ELIMINATION' ? businessDate(ctx.clock.now()).slice(0, 7) : undefined,
    remarking: isIdentification(app) && Boolean(app.remarking),
  });
}

export async function xlsxOf(rows: readonly SystemEntryRow[], title: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  // an applicant's name or a village's is written so no spreadsheet runs it as a formula
  const sheet = safeSheet(workbook.addWorksheet(title.slice(0, 31)));
  sheet.columns = SYSTEM_ENTRY_COLUMNS.map((c) => ({
    header: c.header,
    key: c.key,
    width: Math.max(10, c.header.length * 2 + 2),
  }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) sheet.addRow(row);
  // ID numbers stay text, or Excel turns them into 3.41302E+17
  sheet.getColumn('headIdNumber').numFmt = '@';
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The workflow step: the case's batch file, written once per entry round. */
export async function prepareBatch(ctx: CaseContext, input: { applicationId: string }) {
  const app = await ctx.store.getApplication(input.applicationId);
  if (!app) throw new Error(`application ${input.applicationId} not found`);
  const round = app.history.filter((h) => h.stage === 'DISTRICT_FILING' && h.decision === 'approve').length;
  const batchId = `SE-${app.applicationId}-${round}`;
  if (app.systemEntryBatch?.batchId === batchId) return { batchId };
  const base = `system-entry/${app.village.slice(0, 6)}/${batchId}`;
  const rows = [await rowFor(ctx, app)];
  await ctx.documents.write(`${base}.csv`, toCsv(rows), 'text/csv; charset=utf-8');
  await ctx.documents.write(`${base}.xlsx`, await xlsxOf(rows, '全国系统录入'), XLSX_TYPE);
  await updateWithRetry(
    ctx,
    app.applicationId,
    (current) => ({
      ...current,
      systemEntryBatch: {
        batchId,
        csvKey: `${base}.csv`,
        xlsxKey: `${base}.xlsx`,
        createdAt: ctx.clock.nowIso(),
      },
    }),
    { action: 'SYSTEM_ENTRY_BATCH_WRITTEN', detail: { batchId } },
  );
  return { batchId };
}
