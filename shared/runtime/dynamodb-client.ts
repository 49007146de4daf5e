import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { perContainer } from './container.ts';
import { injectFaults } from './faults.ts';

export const ddb = perContainer(() => {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  injectFaults(client, 'dynamodb');
  return client;
});
