import { SFNClient } from '@aws-sdk/client-sfn';
import { localCredentials, onReset } from './clients.ts';

let sfnClient: SFNClient | undefined;
onReset(() => {
  sfnClient = undefined;
});

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
