/**
 * The staff API's spreadsheet routes: `POST /households/import` (a registry in CSV or XLSX),
 * `GET /districts/{code}/system-entry-batch` (the national-system entry file), and the 入户排查表
 * workbook (`GET /campaigns/{id}/inspections/template`, `POST /campaigns/{id}/inspections/import`). A function of their
 * own, so exceljs (about 1 MB) loads only where a spreadsheet is read or written.
 */
import middy from '@middy/core';
import { object, string, enum as zEnum } from 'zod';
import { mustGetCampaign } from '#cases/campaign/campaigns';
import { importInspectionSheets, inspectionTemplate } from '#cases/campaign/inspection-sheets';
import { caseContext } from '#cases/context';
import { rowFor, xlsxOf } from '#cases/identification/system-entry';
import { mustCover } from '#cases/monitoring/households';
import { importRegistry } from '#cases/monitoring/registry-import';
import { toCsv } from '#domain/system-entry';
import { validate } from '#http/body';
import { HttpError } from '#http/errors';
import { accessLog, httpErrors, withLogger } from '#http/middleware';
import { binaryBody, file, type HttpEvent, header, json } from '#http/responses';
import { staffCaller } from '#http/staff-caller';
import { assertConfigured } from '#runtime/config';
import { campaignId } from '#schemas/campaign';

assertConfigured();

const districtCode = string().regex(/^\d{6}$/, '区县代码应为6位');
const formatQuery = object({
  format: zEnum(['xlsx', 'csv'], { error: '格式应为 xlsx 或 csv' }).default('xlsx'),
});
const templateQuery = object({
  sheets: string()
    .regex(/^\d{1,3}$/, '份数应为1–999')
    .transform(Number)
    .default(1),
});
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const files = async (event: HttpEvent) => {
  const ctx = await caseContext();
  const { caller, directory } = await staffCaller(ctx, event);
  if (event.routeKey.startsWith('POST /campaigns/') || event.routeKey.startsWith('GET /campaigns/')) {
    const campaign = await mustGetCampaign(ctx, validate(campaignId, event.pathParameters?.id));
    if (event.routeKey === 'GET /campaigns/{id}/inspections/template') {
      const { sheets } = validate(templateQuery, event.queryStringParameters ?? {});
      return file(await inspectionTemplate(campaign, sheets), XLSX_TYPE, `入户排查表-${campaign.name}.xlsx`);
    }
    return json(200, await importInspectionSheets(ctx, caller, campaign, binaryBody(event)));
  }
  if (event.routeKey === 'POST /households/import') {
    const result = await importRegistry(ctx, caller, binaryBody(event), header(event, 'content-type') ?? '');
    return json(200, result);
  }
  const district = validate(districtCode, event.pathParameters?.code);
  if (!caller.roles.some((r) => r.role === 'SYSTEM_ENTRY_CLERK' || r.role === 'DISTRICT_FILER')) {
    throw new HttpError('FORBIDDEN', '仅区级录入人员可导出录入批次');
  }
  mustCover(caller, `${district}000000`);
  const { format } = validate(formatQuery, event.queryStringParameters ?? {});
  const villages = directory.villages.filter((v) => v.code.startsWith(district));
  const cases = (
    await Promise.all(villages.map((v) => ctx.store.listApplications(v.code, 'SYSTEM_ENTRY')))
  ).flat();
  const rows = await Promise.all(cases.map((c) => rowFor(ctx, c)));
  const name = `全国系统录入批次-${district}`;
  return format === 'csv'
    ? file(Buffer.from(toCsv(rows)), 'text/csv; charset=utf-8', `${name}.csv`)
    : file(await xlsxOf(rows, '全国系统录入'), XLSX_TYPE, `${name}.xlsx`);
};

export const handler = middy(files).use(withLogger()).use(accessLog()).use(httpErrors());
