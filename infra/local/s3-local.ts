/**
 * An S3 API on loopback (s3rver) with its files under the data directory. Every request — including
 * one made with a presigned URL, which is authorized at use against the role that signed it — is
 * checked against the caller's synthesized policies (and the bucket policy) before s3rver serves it.
 * Its notification events go to the same handler S3 invokes on AWS.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
// @ts-expect-error s3rver ships no types
import S3rver from 's3rver';
import { accessKeyOf } from './aws-endpoint.ts';
import type { IamEvaluator } from './iam.ts';
import { freePort, isFree } from './net.ts';

export interface S3Local {
  endpoint: string;
  stop(): Promise<void>;
}

/** The action/resource pairs one S3 request needs (path-style). */
export function s3Needs(req: IncomingMessage, url: URL): { action: string; resource: string }[] {
  const [, bucket = '', ...rest] = url.pathname.split('/');
  const key = rest.map(decodeURIComponent).join('/');
  const object = `arn:aws:s3:::${bucket}/${key}`;
  const q = url.searchParams;
  const method = req.method ?? 'GET';
  if (!key) {
    if (method === 'POST' && q.has('delete'))
      return [{ action: 's3:DeleteObject', resource: `arn:aws:s3:::${bucket}/*` }];
    if (q.has('uploads'))
      return [{ action: 's3:ListBucketMultipartUploads', resource: `arn:aws:s3:::${bucket}` }];
    return [
      {
        action: method === 'GET' || method === 'HEAD' ? 's3:ListBucket' : `s3:${method}Bucket`,
        resource: `arn:aws:s3:::${bucket}`,
      },
    ];
  }
  switch (method) {
    case 'GET':
    case 'HEAD':
      return [
        { action: q.has('uploadId') ? 's3:ListMultipartUploadParts' : 's3:GetObject', resource: object },
      ];
    case 'PUT': {
      const source = req.headers['x-amz-copy-source'];
      const needs = [{ action: 's3:PutObject', resource: object }];
      if (typeof source === 'string')
        needs.push({
          action: 's3:GetObject',
          resource: `arn:aws:s3:::${decodeURIComponent(source.replace(/^\//, '').split('?')[0]!)}`,
        });
      return needs;
    }
    case 'POST':
      return [{ action: 's3:PutObject', resource: object }];
    case 'DELETE':
      return [
        { action: q.has('uploadId') ? 's3:AbortMultipartUpload' : 's3:DeleteObject', resource: object },
      ];
    default:
      return [{ action: `s3:${method}`, resource: object }];
  }
}

const s3Error = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message.replace(/[<&]/g, '')}</Message></Error>`;

/** Upload URLs already handed out name this port: it is kept across restarts while it is free. */
export async function s3PortFor(dataDir: string): Promise<number> {
  const portFile = join(dataDir, 's3-port');
  const previous = existsSync(portFile) ? Number(readFileSync(portFile, 'utf8')) : undefined;
  const port = previous && (await isFree(previous)) ? previous : await freePort();
  writeFileSync(portFile, String(port));
  return port;
}

export async function startS3Local(
  dataDir: string,
  bucket: string,
  iam: IamEvaluator,
  keys: { accessKeyId: string; secretAccessKey: string }[],
  onEvent: (event: unknown) => void,
  port: number,
): Promise<S3Local> {
  const directory = join(dataDir, 's3');
  mkdirSync(directory, { recursive: true });
  // s3rver accepts only the access keys it knows (it does not check SigV4 signatures)
  const { DUMMY_ACCOUNT } = createRequire(import.meta.url)('s3rver/lib/models/account.js');
  for (const key of keys) DUMMY_ACCOUNT.createKeyPair(key.accessKeyId, key.secretAccessKey);
  const s3rver = new S3rver({
    port,
    address: '127.0.0.1',
    directory,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  s3rver.on('event', onEvent);
  await s3rver.run();
  const server = s3rver.httpServer as Server;
  const serve = server.listeners('request') as ((req: IncomingMessage, res: any) => void)[];
  server.removeAllListeners('request');
  server.on('request', async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const verdict = await iam.check(accessKeyOf(req, url.searchParams), s3Needs(req, url));
    if (verdict) {
      const message = 'unknownKey' in verdict ? 'Access Denied' : verdict.message;
      if (!('unknownKey' in verdict)) console.error(`AccessDenied: ${message}`);
      req.resume();
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end(s3Error('AccessDenied', message));
      return;
    }
    for (const listener of serve) listener(req, res);
  });
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => s3rver.close() };
}
