/**
 * S3 ObjectCreated on `commitments/` — checks the signed commitment by content (PDF, JPEG or PNG, at
 * most 10 MiB), records its SHA-256 and size and lets the workflow go on; anything else is
 * quarantined and the applicant told.
 */
import middy from '@middy/core';
import type { S3Event } from 'aws-lambda';
import { caseContext } from '#cases/context';
import { receiveCommitment } from '#cases/identification/applications';
import { withLogger } from '#http/middleware';
import { assertConfigured } from '#runtime/config';

assertConfigured();

const received = async (event: S3Event) => {
  const ctx = await caseContext();
  for (const record of event.Records) {
    if (!record.eventName.startsWith('ObjectCreated')) continue;
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    await receiveCommitment(ctx, key, record.s3.object.size);
  }
};

export const handler = middy(received).use(withLogger());
