/**
 * GET <scan origin>/?t=<token> — streams an accepted commitment scan (承诺书扫描件) to whoever holds
 * the link the approval page gave. Served through the function's URL in streaming mode: a scan is up
 * to 10 MiB, over a buffered response's 6 MB, and an S3 presigned GET cannot carry
 * `X-Content-Type-Options` or a CSP. The token names the object and the type its content was checked
 * to be; the uploader's own Content-Type never comes back.
 */
import { GetObjectCommand, NoSuchKey } from '@aws-sdk/client-s3';
import middy from '@middy/core';
import { executionModeStreamifyResponse } from '@middy/core/StreamifyResponse';
import { HttpError } from '#http/errors';
import { accessLog, httpErrors, withLogger } from '#http/middleware';
import type { HttpEvent } from '#http/responses';
import { readScanLink } from '#links/scan-links';
import { now } from '#runtime/clock';
import { assertConfigured, config } from '#runtime/config';
import { s3 } from '#runtime/s3-client';
import { secrets } from '#runtime/secrets';

assertConfigured();

const scan = async (event: HttpEvent) => {
  if (event.requestContext.http.method !== 'GET' || event.rawPath !== '/')
    throw new HttpError('NOT_FOUND', '接口不存在');
  const claims = readScanLink(event.queryStringParameters?.t, (await secrets()).scanKey, now());
  if (!claims) throw new HttpError('BAD_LINK', '扫描件链接无效');
  if (claims === 'EXPIRED') throw new HttpError('LINK_EXPIRED', '扫描件链接已过期，请重新打开审批页面');
  try {
    const object = await s3().send(new GetObjectCommand({ Bucket: config.bucketName, Key: claims.k }));
    return {
      statusCode: 200,
      headers: {
        'content-type': claims.t,
        'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(claims.n)}`,
        'x-content-type-options': 'nosniff',
        // should a browser render it anyway, nothing in it runs or reaches anywhere
        'content-security-policy': "default-src 'none'; sandbox",
        'cache-control': 'private, no-store',
        ...(object.ContentLength !== undefined ? { 'content-length': String(object.ContentLength) } : {}),
      },
      body: object.Body,
    };
  } catch (error) {
    if (error instanceof NoSuchKey) throw new HttpError('NOT_FOUND', '扫描件不存在');
    throw error;
  }
};

export const handler = middy({ executionMode: executionModeStreamifyResponse })
  .use(withLogger())
  .use(accessLog())
  .use(httpErrors())
  .handler(scan as never);
