/**
 * The use cases' ports on AWS: S3 for documents, Step Functions for workflows, the runtime's clock.
 */
import type { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Clock, Documents, WorkflowName, Workflows } from '#cases/ports';
import { now, nowIso } from './clock.ts';
import { config } from './config.ts';
import { s3 } from './s3-client.ts';
import { sfn } from './sfn-client.ts';

const missing = (error: unknown) => (error as Error)?.name === 'NoSuchKey';

export const s3Documents: Documents = {
  uploadUrl: (key, expiresIn) =>
    getSignedUrl(s3(), new PutObjectCommand({ Bucket: config.bucketName, Key: key }), { expiresIn }),
  downloadUrl: (key, expiresIn, response) =>
    getSignedUrl(
      s3(),
      new GetObjectCommand({
        Bucket: config.bucketName,
        Key: key,
        ResponseContentType: response?.contentType,
        ResponseContentDisposition: response?.disposition,
      }),
      { expiresIn },
    ),
  async read(key) {
    try {
      const object = await s3().send(new GetObjectCommand({ Bucket: config.bucketName, Key: key }));
      return await object.Body!.transformToByteArray();
    } catch (error) {
      if (missing(error)) return undefined;
      throw error;
    }
  },
  async readStream(key) {
    try {
      const object = await s3().send(new GetObjectCommand({ Bucket: config.bucketName, Key: key }));
      return object.Body as AsyncIterable<Uint8Array>;
    } catch (error) {
      if (missing(error)) return undefined;
      throw error;
    }
  },
  async write(key, body, contentType) {
    await s3().send(
      new PutObjectCommand({ Bucket: config.bucketName, Key: key, Body: body, ContentType: contentType }),
    );
  },
  async writeStream(key: string, body: Readable, contentType: string, abandon?: AbortSignal) {
    const upload = new Upload({
      client: s3(),
      params: { Bucket: config.bucketName, Key: key, Body: body, ContentType: contentType },
    });
    abandon?.addEventListener('abort', () => void upload.abort().catch(() => undefined), { once: true });
    await upload.done();
  },
  async move(from, to) {
    try {
      await s3().send(
        new CopyObjectCommand({
          Bucket: config.bucketName,
          Key: to,
          CopySource: `${config.bucketName}/${from}`,
        }),
      );
    } catch (error) {
      if (missing(error)) return;
      throw error;
    }
    await s3().send(new DeleteObjectCommand({ Bucket: config.bucketName, Key: from }));
  },
};

const GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

async function tokenCall(send: () => Promise<unknown>): Promise<boolean> {
  try {
    await send();
    return true;
  } catch (error) {
    if (GONE.has((error as Error).name)) return false;
    throw error;
  }
}

const MACHINES: Record<WorkflowName, () => string> = {
  identification: () => config.stateMachineArn,
  elimination: () => config.eliminationStateMachineArn,
};

export const sfnWorkflows: Workflows = {
  async start(workflow, caseId, input) {
    try {
      await sfn().send(
        new StartExecutionCommand({
          stateMachineArn: MACHINES[workflow](),
          name: caseId,
          input: JSON.stringify(input),
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ExecutionAlreadyExists') return;
      throw error;
    }
  },
  complete: (taskToken, output) =>
    tokenCall(() => sfn().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }))),
  fail: (taskToken, error, cause) =>
    tokenCall(() => sfn().send(new SendTaskFailureCommand({ taskToken, error, cause }))),
};

export const runtimeClock: Clock = { now, nowIso };
