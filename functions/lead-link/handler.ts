/**
 * GET/POST /lead-links/{village}?t=<token> — a village cadre's personal link to the village's open
 * leads. GET only shows (scanners open links before people do); POST records one lead's verification.
 */
import middy from '@middy/core';
import { caseContext } from '#cases/context';
import { openLeadsLink, villageLeadsPage } from '#cases/leads/lead-links';
import { verifyLead } from '#cases/leads/verification';
import { parseJsonText, validate } from '#http/body';
import { HttpError, statusOf } from '#http/errors';
import { accessLog, httpErrors, withLogger } from '#http/middleware';
import { type HttpEvent, type HttpResult, header, html, json, rawBody } from '#http/responses';
import { assertConfigured } from '#runtime/config';
import { villageCode } from '#schemas/common';
import { leadId, leadVerification } from '#schemas/leads';
import { noticePage } from '../approval-link/page.ts';
import { leadsPage } from './page.ts';

assertConfigured();

const wantsJson = (event: HttpEvent) =>
  (header(event, 'accept') ?? '').includes('application/json') ||
  (header(event, 'content-type') ?? '').includes('application/json');

/** The page's form, turned into the JSON body the API takes: the text goes where the outcome wants it. */
function formToBody(text: string): { leadId: unknown; body: unknown } {
  const form = new URLSearchParams(text);
  const outcome = form.get('outcome') ?? undefined;
  const said = form.get('text') ?? '';
  const number = (name: string) => (form.get(name) ? Number(form.get(name)) : undefined);
  const body =
    outcome === 'AT_RISK'
      ? {
          outcome,
          findings: said,
          riskTypes: form.getAll('riskTypes'),
          declaredAnnualIncome: number('declaredAnnualIncome'),
          householdSize: number('householdSize'),
        }
      : outcome === 'NO_RISK'
        ? { outcome, reason: said }
        : outcome === 'DATA_ERROR'
          ? { outcome, note: said }
          : { outcome, findings: said };
  return { leadId: form.get('leadId') ?? undefined, body };
}

/** A JSON body: `{"leadId", …the verification}`. */
function fromJson(value: unknown): { leadId: unknown; body: unknown } {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { leadId: undefined, body: value };
  const { leadId: id, ...body } = value as Record<string, unknown>;
  return { leadId: id, body };
}

const leads = async (event: HttpEvent): Promise<HttpResult> => {
  const asJson = wantsJson(event);
  const ctx = await caseContext();
  const token = event.queryStringParameters?.t;
  try {
    const village = validate(villageCode, event.pathParameters?.village);
    const person = await openLeadsLink(ctx, village, token);
    if (event.requestContext.http.method === 'GET') {
      const page = await villageLeadsPage(ctx, village);
      return asJson ? json(200, page) : html(200, leadsPage(page, `/lead-links/${village}?t=${token}`));
    }
    const text = rawBody(event);
    const posted = asJson ? fromJson(parseJsonText(text)) : formToBody(text);
    const id = validate(leadId, posted.leadId);
    const lead = await ctx.store.getLead(id);
    if (!lead || lead.village !== village) throw new HttpError('BAD_LINK', '该线索不属于此链接的村');
    const input = posted.body;
    const verified = await verifyLead(ctx, person, id, validate(leadVerification, input));
    return asJson
      ? json(200, { leadId: verified.leadId, status: verified.status, verification: verified.verification })
      : html(200, noticePage('已提交', '核实结果已登记，感谢办理。', true));
  } catch (error) {
    if (asJson || !(error instanceof HttpError)) throw error;
    const detail = error.fields?.map((f) => f.message).join('；');
    return html(
      statusOf(error),
      noticePage('无法办理', detail ? `${error.message}：${detail}` : error.message),
    );
  }
};

export const handler = middy(leads).use(withLogger()).use(accessLog()).use(httpErrors());
