/**
 * The workflow's automatic steps: publicity open and close, the district data comparison, overdue
 * counting, the endings (activate, reject, lapse, withdraw), and the elimination check and marking.
 */
import middy from '@middy/core';
import { discriminatedUnion, literal, number, object, string } from 'zod';
import { caseContext } from '#cases/context';
import {
  activate,
  closePublicity,
  compareData,
  lapse,
  openPublicity,
  overdue,
  reject,
} from '#cases/identification/steps';
import { checkEliminationStep, markEliminated, withdraw } from '#cases/monitoring/elimination';
import { validate } from '#http/body';
import { withLogger } from '#http/middleware';
import { assertConfigured } from '#runtime/config';

assertConfigured();

const byId = object({ applicationId: string() });
const input = discriminatedUnion('step', [
  byId.extend({ step: literal('openPublicity') }),
  byId.extend({ step: literal('closePublicity') }),
  byId.extend({ step: literal('compareData') }),
  byId.extend({ step: literal('activate') }),
  byId.extend({ step: literal('reject') }),
  byId.extend({ step: literal('lapse') }),
  byId.extend({ step: literal('overdue'), escalation: number().int() }),
  byId.extend({ step: literal('checkElimination') }),
  byId.extend({ step: literal('markEliminated') }),
  byId.extend({ step: literal('withdraw') }),
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
    case 'checkElimination':
      return checkEliminationStep(ctx, request);
    case 'markEliminated':
      await markEliminated(ctx, request);
      return { stage: 'RISK_ELIMINATED' };
    case 'withdraw':
      await withdraw(ctx, request);
      return { stage: 'WITHDRAWN' };
  }
};

export const handler = middy(run).use(withLogger());
