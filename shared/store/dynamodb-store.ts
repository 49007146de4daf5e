/**
 * The `Store` port on the single table: one adapter per aggregate (`dynamodb/cases.ts`,
 * `households.ts`, `campaigns.ts`, `leads.ts`, `settings.ts`) around the table module (`dynamodb/table.ts`: keys,
 * transactions, paging, outbox, receipts), put together here.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Household } from '#domain/household';
import { config } from '#runtime/config';
import { ddb } from '#runtime/dynamodb-client';
import { campaignTable } from './dynamodb/campaigns.ts';
import { caseTable } from './dynamodb/cases.ts';
import { householdTable } from './dynamodb/households.ts';
import { leadTable } from './dynamodb/leads.ts';
import { settingsTable } from './dynamodb/settings.ts';
import { DynamoTable } from './dynamodb/table.ts';
import type { Store } from './store.ts';

export { campaignOf, keys, villageOfApplication } from './dynamodb/table.ts';

/** What the local stack and its seed use besides the port: an unconditional put, a count by kind. */
export interface DynamoStore extends Store {
  putHousehold(household: Household): Promise<void>;
  /** Items per kind across the table (a scan: for local diagnostics and tests only). */
  countItems(): Promise<Record<string, number>>;
}

// the class and the interface merge: `new DynamoStore()` is every aggregate's adapter on one table
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the adapters' methods are assigned in the constructor
export class DynamoStore {
  constructor(client: DynamoDBDocumentClient = ddb(), table: string = config.tableName) {
    const t = new DynamoTable(client, table);
    Object.assign(this, caseTable(t), householdTable(t), campaignTable(t), leadTable(t), settingsTable(t));
  }
}
