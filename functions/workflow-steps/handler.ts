/**
 * The workflow's automatic steps: publicity open and close, the district data comparison, overdue
 * counting, and the three endings (activate, reject, lapse).
 */
import middy from '@middy/core';
import { discriminatedUnion, literal, number, object, string } from 'zod';
import { caseContext } from '#cases/context';
import { activate, closePublicity, compareData, lapse, openPublicity, overdue, reject } from '#cases/steps';
import { validate } from '#http/body';
import { withLogger } from '#http/middleware';

const byId = object({ applicationId: string() });
const input = discriminatedUnion('step', [
  byId.extend({ step: literal('openPublicity') }),
  byId.extend({ step: literal('closePublicity') }),
  byId.extend({ step: literal('compareData') }),
  byId.extend({ step: literal('activate') }),
  byId.extend({ step: literal('reject') }),
  byId.extend({ step: literal('lapse') }),
  byId.extend({ step: literal('overdue'), escalation: number().int() }),
]);

const run = async (event: unknown) => {
  const request = validate(input, event);
  const ctx = await caseContext();
  switch (request.step) {
    case 'openPublicity':
      return openPublicity(ctx, request);
    case 'closePublicity':
      return closePublicity(ctx, request);
    case 'compareData':
      return compareData(ctx, request);
    case 'overdue':
      return overdue(request);
    case 'activate':
      await activate(ctx, request);
      return { stage: 'ACTIVE' };
    case 'reject':
      await reject(ctx, request);
      return { stage: 'REJECTED' };
    case 'lapse':
      await lapse(ctx, request);
      return { stage: 'LAPSED' };
  }
};

export const handler = middy(run).use(withLogger());
