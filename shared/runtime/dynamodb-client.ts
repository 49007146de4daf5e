import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localCredentials, onReset } from './clients.ts';
import { injectFaults } from './faults.ts';

let documentClient: DynamoDBDocumentClient | undefined;
onReset(() => {
  documentClient = undefined;
});

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
