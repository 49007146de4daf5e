import { S3Client } from '@aws-sdk/client-s3';
import { onReset } from './clients.ts';
import { injectFaults } from './faults.ts';

let s3Client: S3Client | undefined;
onReset(() => {
  s3Client = undefined;
});

export function s3(): S3Client {
  if (s3Client) return s3Client;
  s3Client = new S3Client(
    process.env.S3_ENDPOINT
      ? {
          endpoint: process.env.S3_ENDPOINT,
          region: 'us-east-1',
          forcePathStyle: true,
          credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
          // s3rver stores streamed uploads with their chunk framing unless checksums are off.
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        }
      : {},
  );
  injectFaults(s3Client, 's3');
  return s3Client;
}
