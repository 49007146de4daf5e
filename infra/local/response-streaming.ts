/**
 * Lambda's response streaming as the Node.js runtime offers it: the `awslambda` global with
 * `streamifyResponse` (marks a handler as streaming) and `HttpResponseStream.from` (the status and
 * headers a function URL answers with, written before the body). The twin's function URLs hand such a
 * handler a stream that writes to the HTTP response; as on AWS, headers go out with the first byte,
 * and an answer that set none is a 200 `application/octet-stream`.
 */
import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';

const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');

interface Prelude {
  statusCode?: number;
  headers?: Record<string, string>;
  cookies?: string[];
}

/** The stream a streaming handler writes to: the HTTP response of the function URL's request. */
export class ResponseSink extends Writable {
  private prelude: Prelude | undefined;

  constructor(private readonly res: ServerResponse) {
    super();
  }

  setPrelude(prelude: Prelude): void {
    this.prelude = prelude;
  }

  private head(): void {
    if (this.res.headersSent) return;
    const { statusCode = 200, headers = {}, cookies = [] } = this.prelude ?? {};
    this.res.writeHead(statusCode, {
      'content-type': 'application/octet-stream',
      ...headers,
      ...(cookies.length ? { 'set-cookie': cookies } : {}),
    });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.head();
    if (chunk.length === 0 || this.res.write(chunk)) done();
    else this.res.once('drain', () => done());
  }

  override _final(done: (error?: Error | null) => void): void {
    this.head();
    this.res.end(done);
  }
}

type Handler = (...args: unknown[]) => unknown;

/**
 * Adds streaming to the runtime's `awslambda` global (once), before any handler module loads; other
 * libraries keep what they put there (the invoke store).
 */
export function installResponseStreaming(): void {
  const global = globalThis as { awslambda?: Record<string, unknown> };
  if (global.awslambda?.streamifyResponse) return;
  global.awslambda ??= {};
  Object.assign(global.awslambda, {
    streamifyResponse: (handler: Handler) => Object.assign(handler, { [STREAMING]: 'response' }),
    HttpResponseStream: {
      from(stream: ResponseSink, prelude: Prelude) {
        stream.setPrelude(prelude);
        return stream;
      },
    },
  });
}

export const isStreaming = (handler: unknown): boolean =>
  typeof handler === 'function' && (handler as unknown as Record<symbol, unknown>)[STREAMING] === 'response';
