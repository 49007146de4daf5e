import { SFNClient } from '@aws-sdk/client-sfn';
import { perContainer } from './container.ts';

export const sfn = perContainer(() => new SFNClient({}));
