/**
 * Workflow steps that park a case until a person acts (`waitForTaskToken`): the applicant's signed
 * commitment, and each approval level. The task token is kept in the table behind an opaque approval
 * id; people only ever see links.
 */
import middy from '@middy/core';
import { z } from 'zod';
import { caseContext } from '#cases/context';
import { awaitCommitment, requestApproval } from '#cases/steps';
import { validate } from '#http/body';
import { withLogger } from '#http/middleware';

const input = z.discriminatedUnion('step', [
  z.object({
    step: z.literal('awaitCommitment'),
    applicationId: z.string(),
    taskToken: z.string(),
    escalation: z.number().int(),
  }),
  z.object({
    step: z.literal('requestApproval'),
    applicationId: z.string(),
    stage: z.enum([
      'GROUP_REVIEW',
      'VILLAGE_REVIEW',
      'OBJECTION_REVIEW',
      'TOWNSHIP_REVIEW',
      'DISTRICT_FILING',
      'SYSTEM_ENTRY',
    ]),
    taskToken: z.string(),
    escalation: z.number().int(),
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
