/**
 * Commitment scans (承诺书): the structure is checked by the format's library, the scan is served as its
 * checked type and as a download, and only the object key an upload URL was issued for becomes the
 * commitment. The stack runs in this process, so the test can write to the bucket as an operator would.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import jpeg from 'jpeg-js';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/net.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import {
  advanceClock,
  applicationBody,
  getApplication,
  linkFor,
  outbox,
  PDF,
  type RunningStack,
  until,
  upload,
  waitForStage,
  webhook,
} from '../support/local-stack.ts';

describe('commitment scans', () => {
  let local: LocalStack;
  let stack: RunningStack;

  beforeAll(async () => {
    local = await startLocalStack({
      dataDir: mkdtempSync(join(tmpdir(), 'fangfan-scans-')),
      port: await freePort(),
    });
    stack = { url: local.url, secrets: JSON.parse(readFileSync(local.secretsFile, 'utf8')) } as RunningStack;
  }, 120_000);
  afterAll(async () => local?.stop());

  const apply = async (phone: string) => {
    const submitted = await webhook(
      stack,
      '/webhooks/applications',
      applicationBody({ applicant: { ...applicationBody().applicant, phone } }),
    );
    expect(submitted.status).toBe(202);
    return submitted.body as { applicationId: string; commitment: { uploadUrl: string } };
  };

  it('refuses an HTML page that starts with %PDF-, and a PDF without pages', async () => {
    for (const [phone, bytes] of [
      ['13833335501', Buffer.from('%PDF-1.4\n<html><script>alert(document.domain)</script></html>')],
      ['13833335502', Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')],
    ] as const) {
      const submitted = await apply(phone);
      await upload(submitted.commitment.uploadUrl, bytes, 'application/pdf');
      const told = await until('the applicant told', async () =>
        (await outbox(stack, phone)).find((m) => m.text.includes('未通过检查')),
      );
      expect(told.text).toContain('不是完整的PDF、JPEG或PNG');
      expect((await getApplication(stack, submitted.applicationId)).commitment.status).toBe('QUARANTINED');
    }
  });

  it('takes only the key an upload URL was issued for', async () => {
    const submitted = await apply('13833335503');
    const issued = new URL(submitted.commitment.uploadUrl).pathname.split('/').slice(2).join('/');
    const forged = issued.replace(/[^/]+$/, 'scan.pdf');
    // the twin's own credentials stand for anyone else who can write to the bucket
    const s3 = new S3Client({ forcePathStyle: true });
    await s3.send(new PutObjectCommand({ Bucket: 'fangfan-documents', Key: forged, Body: PDF }));
    await until('the stray object quarantined', async () => {
      try {
        await s3.send(
          new HeadObjectCommand({
            Bucket: 'fangfan-documents',
            Key: forged.replace(/^commitments\//, 'quarantine/'),
          }),
        );
        return true;
      } catch {
        return undefined;
      }
    });
    const app = await getApplication(stack, submitted.applicationId);
    expect(app.stage).toBe('AWAITING_COMMITMENT');
    expect(app.commitment.status).toBe('PENDING');
  });

  it('serves an accepted scan as its checked type, as a download', async () => {
    const submitted = await apply('13833335504');
    const image = jpeg.encode({ data: Buffer.alloc(16 * 16 * 4, 200), width: 16, height: 16 }, 80).data;
    // the uploader says HTML; what is served is what the check found
    await upload(submitted.commitment.uploadUrl, image, 'text/html');
    const moved = await waitForStage(stack, submitted.applicationId, 'GROUP_REVIEW');
    expect(moved.commitment.contentType).toBe('image/jpeg');
    const link = await linkFor(stack, 'p-gl-201', submitted.applicationId);
    const view = (await (await fetch(link, { headers: { accept: 'application/json' } })).json()) as any;
    const scan = await fetch(view.commitmentUrl);
    expect(scan.status).toBe(200);
    expect(scan.headers.get('content-type')).toBe('image/jpeg');
    expect(scan.headers.get('content-disposition')).toMatch(/^attachment; filename\*=UTF-8''/);
    // what an S3 presigned GET cannot carry: the scan function streams it with these
    expect(scan.headers.get('x-content-type-options')).toBe('nosniff');
    expect(scan.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(scan.headers.get('cache-control')).toBe('private, no-store');
    expect(Buffer.from(await scan.arrayBuffer()).equals(image)).toBe(true);
    // from the scan function's URL, never the bucket's
    expect(view.commitmentUrl.startsWith(`${stack.url}/function-urls/commitment-scan/?t=`)).toBe(true);
    // a token changed by one character names nothing
    const forged = view.commitmentUrl.replace(/.$/, (c: string) => (c === 'A' ? 'B' : 'A'));
    const refused = await fetch(forged);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).error.code).toBe('BAD_LINK');
    expect((await fetch(view.commitmentUrl.replace('/?t=', '/other?t='))).status).toBe(404);
    expect((await fetch(view.commitmentUrl, { method: 'POST' })).status).toBe(404);
  });

  it('streams a scan larger than a buffered Lambda response (6 MB) whole', async () => {
    const submitted = await apply('13833335505');
    const doc = await PDFDocument.create();
    doc.addPage();
    // 9 MiB that do not compress, as a photographed scan's do not
    await doc.attach(randomBytes(9 * 1024 * 1024), 'scan.bin', { mimeType: 'application/octet-stream' });
    const bytes = Buffer.from(await doc.save({ useObjectStreams: false }));
    expect(bytes.length).toBeGreaterThan(9 * 1024 * 1024);
    await upload(submitted.commitment.uploadUrl, bytes, 'application/pdf');
    await waitForStage(stack, submitted.applicationId, 'GROUP_REVIEW');
    const link = await linkFor(stack, 'p-gl-201', submitted.applicationId);
    const view = (await (await fetch(link, { headers: { accept: 'application/json' } })).json()) as any;
    const scan = await fetch(view.commitmentUrl);
    expect(scan.status).toBe(200);
    expect(scan.headers.get('content-type')).toBe('application/pdf');
    expect(Number(scan.headers.get('content-length'))).toBe(bytes.length);
    expect(Buffer.from(await scan.arrayBuffer()).equals(bytes)).toBe(true);

    // a scan link lapses as a presigned URL did: after 15 minutes it is 410
    await advanceClock(stack, 'PT16M');
    const lapsed = await fetch(view.commitmentUrl);
    expect(lapsed.status).toBe(410);
    expect(((await lapsed.json()) as any).error.code).toBe('LINK_EXPIRED');
  }, 60_000);
});
