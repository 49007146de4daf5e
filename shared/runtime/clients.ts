/**
 * SDK clients, created once per container. Local mode points them at the embedded stack through
 * the `*_ENDPOINT` variables; nothing else changes.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { injectFaults } from './faults.ts';

const localCredentials = (id: string, secret: string) =>
  process.env.AWS_ACCESS_KEY_ID ? undefined : { accessKeyId: id, secretAccessKey: secret };

let documentClient: DynamoDBDocumentClient | undefined;
export function ddb(): DynamoDBDocumentClient {
  if (!documentClient) {
    documentClient = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: process.env.DYNAMODB_ENDPOINT,
        ...(process.env.DYNAMODB_ENDPOINT
          ? { region: 'local', credentials: localCredentials('local', 'local') }
          : {}),
      }),
      { marshallOptions: { removeUndefinedValues: true } },
    );
    injectFaults(documentClient, 'dynamodb');
  }
  return documentClient;
}

let s3Client: S3Client | undefined;
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

let sfnClient: SFNClient | undefined;
export function sfn(): SFNClient {
  sfnClient ??= new SFNClient(
    process.env.SFN_ENDPOINT
      ? {
          endpoint: process.env.SFN_ENDPOINT,
          region: 'local',
          credentials: localCredentials('local', 'local'),
        }
      : {},
  );
  return sfnClient;
}

let snsClient: SNSClient | undefined;
export function sns(): SNSClient {
  snsClient ??= new SNSClient({});
  return snsClient;
}

/** Tests swap clients (for aws-sdk-client-mock or a fresh endpoint). */
export function resetClients(): void {
  documentClient = undefined;
  s3Client = undefined;
  sfnClient = undefined;
  snsClient = undefined;
}
