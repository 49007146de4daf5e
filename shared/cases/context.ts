/**
 * What a use case needs from the outside world, built once per container. Handlers pass it on;
 * tests build their own.
 */

import { type Notifier, notifierFor } from '#notify/notifier';
import { type Secrets, secrets } from '#runtime/secrets';
import { DynamoStore } from '#store/dynamodb-store';
import type { Store } from '#store/store';

export interface CaseContext {
  store: Store;
  notifier: Notifier;
  secrets: Secrets;
}

let shared: Promise<CaseContext> | undefined;

export function caseContext(): Promise<CaseContext> {
  shared ??= (async () => {
    const store = new DynamoStore();
    return { store, notifier: notifierFor(store), secrets: await secrets() };
  })();
  return shared;
}

export function resetCaseContext(): void {
  shared = undefined;
}
