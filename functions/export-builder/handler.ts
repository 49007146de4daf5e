/**
 * Builds a requested XLSX export (annexes 2, 3-1, 3-2, 4): started by the request object landing in
 * S3 under `export-requests/`, so the staff API answers at once and a file of any size is streamed.
 */
import middy from '@middy/core';
import type { S3Event } from 'aws-lambda';
import { buildExport } from '#cases/campaign/export-builder';
import { REQUEST_PREFIX } from '#cases/campaign/exports';
import { caseContext } from '#cases/context';
import { withLogger } from '#http/middleware';
import { assertConfigured } from '#runtime/config';

assertConfigured();

const build = async (event: S3Event) => {
  const ctx = await caseContext();
  for (const record of event.Records ?? []) {
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    if (!key.startsWith(REQUEST_PREFIX)) continue;
    await buildExport(ctx, key.slice(REQUEST_PREFIX.length).replace(/\.json$/, ''));
  }
};

export const handler = middy(build).use(withLogger());
