/**
 * What a use case needs from the outside world, built once per container. Handlers pass it on;
 * tests build their own.
 */

import { runtimeClock, s3Documents, sfnWorkflows } from '#runtime/aws-ports';
import { perContainer } from '#runtime/container';
import { type FieldCrypto, functionCrypto } from '#runtime/field-crypto';
import { type Secrets, secrets } from '#runtime/secrets';
import { DynamoStore } from '#store/dynamodb-store';
import type { Store } from '#store/store';
import type { Clock, Documents, Workflows } from './ports.ts';

export interface CaseContext {
  store: Store;
  secrets: Secrets;
  /** reveals sealed personal data, for the functions whose role may decrypt (`reveals`) */
  crypto: FieldCrypto;
  documents: Documents;
  workflows: Workflows;
  clock: Clock;
}

const shared = perContainer((): { context?: Promise<CaseContext> } => ({}));

export function caseContext(): Promise<CaseContext> {
  const holder = shared();
  holder.context ??= (async () => {
    return {
      store: new DynamoStore(),
      secrets: await secrets(),
      crypto: functionCrypto(),
      documents: s3Documents,
      workflows: sfnWorkflows,
      clock: runtimeClock,
    };
  })();
  // a context that failed to build (secrets unreachable) is built again by the next request
  holder.context.catch(() => {
    holder.context = undefined;
  });
  return holder.context;
}
