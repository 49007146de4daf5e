/**
 * An S3 API on loopback (s3rver) with its files under the data directory. Its notification events go
 * to the same handler S3 invokes on AWS.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error s3rver ships no types
import S3rver from 's3rver';
import { freePort } from './net.ts';

export interface S3Local {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startS3Local(
  dataDir: string,
  bucket: string,
  onEvent: (event: unknown) => void,
): Promise<S3Local> {
  const directory = join(dataDir, 's3');
  mkdirSync(directory, { recursive: true });
  const port = await freePort();
  const server = new S3rver({
    port,
    address: '127.0.0.1',
    directory,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  server.on('event', onEvent);
  await server.run();
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => server.close() };
}
