import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { perContainer } from './container.ts';
import { sealPersonalData } from './dynamodb-sealing.ts';
import { injectFaults } from './faults.ts';
import { functionCrypto } from './field-crypto.ts';

export const ddb = perContainer(() => {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  sealPersonalData(client, functionCrypto);
  injectFaults(client, 'dynamodb');
  return client;
});
