/**
 * GET/POST /approvals/{id}?t=<token> — an approver's personal link. GET only shows (chat and mail
 * scanners open links before people do); POST records the decision once.
 */
import middy from '@middy/core';
import { caseContext } from '#cases/context';
import { approvalView, decide, openApprovalLink } from '#cases/identification/approvals';
import { parseJsonText, validate } from '#http/body';
import { HttpError, statusOf } from '#http/errors';
import { accessLog, httpErrors, withLogger } from '#http/middleware';
import { type HttpEvent, type HttpResult, header, html, json, rawBody } from '#http/responses';
import { assertConfigured } from '#runtime/config';
import { decisionRequest } from '#schemas/approvals';
import { approvalPage, noticePage } from './page.ts';

assertConfigured();

const wantsJson = (event: HttpEvent) =>
  (header(event, 'accept') ?? '').includes('application/json') ||
  (header(event, 'content-type') ?? '').includes('application/json');

/** The page's form, turned into the JSON body the API takes. */
function formToBody(text: string): unknown {
  const form = new URLSearchParams(text);
  const attendees = (form.get('attendees') ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [name, role] = line.split(/[\s,，]+/);
      return { name, role };
    });
  const votes = ['voteFor', 'voteAgainst', 'voteAbstain'].map((k) => Number(form.get(k) ?? 0));
  return {
    decision: form.get('decision') ?? undefined,
    comment: form.get('comment') || undefined,
    ...(attendees.length
      ? { meeting: { attendees, vote: { for: votes[0], against: votes[1], abstain: votes[2] } } }
      : {}),
  };
}

/** CONTRACT's fields of the JSON view, then what is added: what the case is, and what the page shows. */
const JSON_FIELDS = [
  'approvalId',
  'applicationId',
  'stage',
  'status',
  'household',
  'reason',
  'riskTypes',
  'history',
  'kind',
  'remarking',
  'greenChannel',
  'elimination',
  'systemEntryBatch',
  'objections',
  'commitmentUrl',
  'returnsTo',
] as const;

const approval = async (event: HttpEvent): Promise<HttpResult> => {
  const approvalId = event.pathParameters?.id ?? '';
  const token = event.queryStringParameters?.t;
  const asJson = wantsJson(event);
  const ctx = await caseContext();
  try {
    const access = await openApprovalLink(ctx, approvalId, token);
    if (event.requestContext.http.method === 'GET') {
      const view = await approvalView(ctx, access);
      if (asJson) return json(200, Object.fromEntries(JSON_FIELDS.map((field) => [field, view[field]])));
      return html(200, approvalPage(view, token ?? ''));
    }
    const text = rawBody(event);
    const body = validate(decisionRequest, asJson ? parseJsonText(text) : formToBody(text));
    const result = await decide(ctx, access, body);
    return asJson
      ? json(200, result)
      : html(200, noticePage('已提交', '您的审核意见已记录，感谢办理。', true));
  } catch (error) {
    if (asJson || !(error instanceof HttpError)) throw error;
    const detail = error.fields?.map((f) => f.message).join('；');
    return {
      ...html(
        statusOf(error),
        noticePage('无法办理', detail ? `${error.message}：${detail}` : error.message),
      ),
    };
  }
};

export const handler = middy(approval).use(withLogger()).use(accessLog()).use(httpErrors());
