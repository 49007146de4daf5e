import { S3Client } from '@aws-sdk/client-s3';
import { perContainer } from './container.ts';
import { injectFaults } from './faults.ts';

export const s3 = perContainer(() => {
  const client = new S3Client({});
  injectFaults(client, 's3');
  return client;
});
