/**
 * The workflow's `SystemEntryBatch` step: the national-system entry file of a case, in S3. Its own
 * function, so exceljs stays out of the other steps' bundles.
 */
import middy from '@middy/core';
import { object, string } from 'zod';
import { caseContext } from '#cases/context';
import { prepareBatch } from '#cases/identification/system-entry';
import { validate } from '#http/body';
import { withLogger } from '#http/middleware';
import { assertConfigured } from '#runtime/config';

assertConfigured();

const input = object({ step: string(), applicationId: string() });

const run = async (event: unknown) => prepareBatch(await caseContext(), validate(input, event));

export const handler = middy(run).use(withLogger());
