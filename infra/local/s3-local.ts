/**
 * An S3 API on loopback (s3rver) with its files under the data directory. Its notification events go
 * to the same handler S3 invokes on AWS.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error s3rver ships no types
import S3rver from 's3rver';
import { freePort, isFree } from './net.ts';

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
  // Upload URLs already handed out name this port: keep it across restarts while it is free.
  const portFile = join(dataDir, 's3-port');
  const previous = existsSync(portFile) ? Number(readFileSync(portFile, 'utf8')) : undefined;
  const port = previous && (await isFree(previous)) ? previous : await freePort();
  writeFileSync(portFile, String(port));
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
