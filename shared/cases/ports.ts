/**
 * What use cases reach outside the store: the document bucket, the workflows and the business clock.
 * On AWS (and in the twin) S3, Step Functions and the runtime clock stand behind them
 * (`#runtime/aws-ports`); direct tests of the use cases hand in fakes.
 */
import type { Readable } from 'node:stream';

/** The bucket of commitments, exports and entry files. */
export interface Documents {
  /** a presigned PUT for exactly this key */
  uploadUrl(key: string, expiresInSeconds: number): Promise<string>;
  /** a presigned GET; `response` overrides the type and disposition the reader's browser sees */
  downloadUrl(
    key: string,
    expiresInSeconds: number,
    response?: { contentType?: string; disposition?: string },
  ): Promise<string>;
  /** the object's bytes, or undefined when there is no such object */
  read(key: string): Promise<Uint8Array | undefined>;
  /** the object's bytes as they arrive (files of hundreds of MB), or undefined when there is none */
  readStream(key: string): Promise<AsyncIterable<Uint8Array> | undefined>;
  write(key: string, body: string | Uint8Array, contentType: string): Promise<void>;
  /** stores what the stream yields (files too large to hold), resolving once stored; `abandon` stops it */
  writeStream(key: string, body: Readable, contentType: string, abandon?: AbortSignal): Promise<void>;
  /** moves an object; a source already gone is no error (moved by an earlier delivery) */
  move(from: string, to: string): Promise<void>;
}

export type WorkflowName = 'identification' | 'elimination';

/**
 * The case workflows. A token that is gone (timed out, finished) answers false: the step moved on,
 * and the caller decides what that means.
 */
export interface Workflows {
  /** starts the workflow under the case's id, so a repeated start cannot fork a case */
  start(workflow: WorkflowName, caseId: string, input: Record<string, unknown>): Promise<void>;
  /** hands a waiting step its result; false when the step had already moved on */
  complete(taskToken: string, output: unknown): Promise<boolean>;
  fail(taskToken: string, error: string, cause: string): Promise<boolean>;
}

/** The business clock: publicity, deadlines and link expiry all follow it. */
export interface Clock {
  now(): Date;
  nowIso(): string;
}
