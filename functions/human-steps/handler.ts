/**
 * Workflow steps that park a case until a person acts (`waitForTaskToken`): the applicant's signed
 * commitment, and each approval level. The task token is kept in the table behind an opaque approval
 * id; people only ever see links.
 */
import middy from '@middy/core';
import { discriminatedUnion, literal, number, object, string, enum as zEnum } from 'zod';
import { caseContext } from '#cases/context';
import { awaitCommitment, requestApproval } from '#cases/identification/steps';
import { validate } from '#http/body';
import { withLogger } from '#http/middleware';
import { assertConfigured } from '#runtime/config';

assertConfigured();

const input = discriminatedUnion('step', [
  object({
    step: literal('awaitCommitment'),
    applicationId: string(),
    taskToken: string(),
    escalation: number().int(),
  }),
  object({
    step: literal('requestApproval'),
    applicationId: string(),
    stage: zEnum([
      'GROUP_REVIEW',
      'VILLAGE_REVIEW',
      'OBJECTION_REVIEW',
      'TOWNSHIP_REVIEW',
      'DISTRICT_FILING',
      'SYSTEM_ENTRY',
    ]),
    taskToken: string(),
    escalation: number().int(),
  }),
]);

const park = async (event: unknown) => {
  const request = validate(input, event);
  const ctx = await caseContext();
  if (request.step === 'awaitCommitment') await awaitCommitment(ctx, request);
  else await requestApproval(ctx, request);
  return { parked: true };
};

export const handler = middy(park).use(withLogger());
