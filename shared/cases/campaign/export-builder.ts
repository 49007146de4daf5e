/**
 * XLSX of annexes 2, 3-1, 3-2 and 4 in their layouts: the builder streams rows page by page into a
 * multipart upload, so there is no row limit and no whole workbook in memory. ID numbers and phones are
 * masked: the files are for reading, not entry.
 */

import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { ExportJob } from '#domain/campaign';
import { circled, INSPECTION_CATEGORIES, PROBLEM_CATEGORIES } from '#domain/inspection';
import { maskIdNumber, maskPhone } from '#domain/masking';
import { AREA_LEVELS, PROBLEM_STATUSES } from '#domain/rectification';
import { HOUSEHOLD_TYPES } from '#domain/risk-types';
import { logger } from '#runtime/logger';
import type { CaseContext } from '../context.ts';
import { safeSheet, XLSX_TYPE } from '../safe-sheets.ts';
import { mustGetCampaign, summaryOf } from './campaigns.ts';
import { EXPORT_TITLES } from './exports.ts';

const thin = { style: 'thin' as const };
const border = { top: thin, left: thin, bottom: thin, right: thin };

/** The builder (an S3 event on `export-requests/`): idempotent, a repeated event finds the job done. */
export async function buildExport(ctx: CaseContext, exportId: string): Promise<ExportJob> {
  const job = await ctx.store.getExport(exportId);
  if (!job) throw new Error(`export ${exportId} not found`);
  if (job.status === 'DONE') return job;
  const campaign = await mustGetCampaign(ctx, job.campaignId);
  const directory = await ctx.store.getDirectory();
  const names = new Map(directory.villages.map((v) => [v.code, v.name]));
  const key = `exports/${campaign.campaignId}/${job.exportId}.xlsx`;
  const body = new PassThrough();
  const abandon = new AbortController();
  const uploaded = ctx.documents.writeStream(key, body, XLSX_TYPE, abandon.signal);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: body,
    useSharedStrings: false,
    useStyles: true,
  });
  // what people filed (names, problems, measures) is written so no spreadsheet runs it as a formula
  const sheet = safeSheet(
    workbook.addWorksheet(
      job.kind === 'annex2' ? '入户排查表' : job.kind === 'annex4' ? '汇总表' : '整改台账',
    ),
  );
  let rows = 0;
  try {
    const title = sheet.addRow([EXPORT_TITLES[job.kind]]);
    title.font = { bold: true, size: 14 };
    title.commit();
    const unitLine = sheet.addRow([
      `填报单位：${directory.township.name}    排查：${campaign.name}    填报时间：${ctx.clock.nowIso().slice(0, 10)}`,
    ]);
    unitLine.commit();
    if (job.kind === 'annex2') {
      for await (const page of ctx.store.inspectionForms(campaign.campaignId)) {
        for (const form of page) {
          const ticked = new Set(form.items.map((i) => `${i.category}.${i.item}`));
          const lines = [
            [
              `${directory.township.name}  ${names.get(form.village) ?? form.village}  ${form.group}  户类型：${Object.entries(
                HOUSEHOLD_TYPES,
              )
                .map(([k, v]) => `${v}${k === form.householdType ? '■' : '□'}`)
                .join('、')}`,
            ],
            [
              `户主姓名：${form.head.name}  证件号码：${maskIdNumber(form.head.idNumber)}  联系电话：${maskPhone(form.head.phone)}`,
            ],
            ['序号', '排查类型', '排查内容', '排查问题'],
            ...INSPECTION_CATEGORIES.map((c) => {
              const problems = form.items
                .filter((i) => i.category === c.no)
                .map((i) => `${circled(i.item)}${i.problem}`);
              const judgement =
                c.no === 13
                  ? [
                      form.judgement.suspectedRisk ? '①√ 疑似存在返贫致贫风险' : '',
                      form.judgement.proposeReview ? '②√ 纳入监测对象评议' : '',
                    ]
                      .filter(Boolean)
                      .join('；')
                  : '';
              return [
                c.no,
                c.name,
                c.items
                  .map((it) => `${ticked.has(`${c.no}.${it.no}`) ? '√' : ''}${circled(it.no)}${it.text}`)
                  .join(''),
                c.no === 13 ? judgement : problems.join('；'),
              ];
            }),
            [`排查人签字：${form.inspector.name}`],
            [],
          ];
          for (const values of lines) {
            const row = sheet.addRow(values);
            if (values.length === 4)
              row.eachCell((cell) => {
                cell.border = border;
                cell.alignment = { wrapText: true, vertical: 'top' };
              });
            row.commit();
          }
          rows++;
        }
      }
    } else if (job.kind === 'annex4') {
      const summary = await summaryOf(ctx, campaign);
      const header = sheet.addRow([
        '单位',
        '问题类型',
        '',
        '共排查问题数',
        '已整改数',
        '正在整改数',
        '拟识别监测对象（镇、村）户数',
        '人数',
      ]);
      header.font = { bold: true };
      header.commit();
      const blocks = [
        { name: summary.unit.name, rows: summary.rows, total: summary.total, proposed: summary.proposed },
        ...summary.units.map((u) => ({ name: u.name, rows: u.rows, total: u.total, proposed: u.proposed })),
      ];
      for (const block of blocks) {
        block.rows.forEach((r, i) => {
          const row = sheet.addRow([
            i === 0 ? block.name : '',
            r.category <= 4 ? '“三保障”和饮水安全' : r.name,
            r.category <= 4 ? r.name : '',
            r.total,
            r.rectified,
            r.inProgress,
            i === 0 ? block.proposed.households : '',
            i === 0 ? block.proposed.persons : '',
          ]);
          row.commit();
          rows++;
        });
        sheet
          .addRow(['', '合计', '', block.total.total, block.total.rectified, block.total.inProgress, '', ''])
          .commit();
        rows++;
      }
    } else {
      const household = job.kind === 'annex3-1';
      const header = household
        ? [
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
          ]
        : [
            '序号',
            '面上问题层级',
            '问题类型',
            '具体内容',
            '整改措施',
            '责任人',
            '责任单位',
            '整改时限',
            '整改成效',
            '状态',
          ];
      const headRow = sheet.addRow(header);
      headRow.font = { bold: true };
      headRow.commit();
      for await (const page of ctx.store.problems(campaign.campaignId)) {
        for (const p of page) {
          if ((p.kind === 'HOUSEHOLD') !== household) continue;
          rows++;
          const category = PROBLEM_CATEGORIES.find((c) => c.no === p.category)?.name ?? '';
          const outcome = p.outcome ?? (p.status === 'CLOSED' ? '已销号' : '');
          const values = household
            ? [
                rows,
                directory.township.name,
                names.get(p.village ?? '') ?? p.village ?? '',
                p.household?.name ?? '',
                HOUSEHOLD_TYPES[p.household!.householdType],
                category,
                p.content,
                p.measure,
                p.responsible.name,
                p.responsible.unit,
                p.deadline,
                outcome,
                PROBLEM_STATUSES[p.status],
              ]
            : [
                rows,
                AREA_LEVELS[p.level!],
                category,
                p.content,
                p.measure,
                p.responsible.name,
                p.responsible.unit,
                p.deadline,
                outcome,
                PROBLEM_STATUSES[p.status],
              ];
          sheet.addRow(values).commit();
        }
      }
    }
    sheet.commit();
    await workbook.commit();
    await uploaded;
    const done: ExportJob = { ...job, status: 'DONE', key, rows, finishedAt: ctx.clock.nowIso() };
    await ctx.store.putExport(done);
    return done;
  } catch (error) {
    logger.error('export failed', { exportId, error: String(error) });
    body.destroy();
    abandon.abort();
    await uploaded.catch(() => undefined);
    const failed: ExportJob = {
      ...job,
      status: 'FAILED',
      error: '导出失败，请重试',
      finishedAt: ctx.clock.nowIso(),
    };
    await ctx.store.putExport(failed);
    return failed;
  }
}
