/**
 * Personal data encrypted at the field level (DESIGN.md, Data): the AWS Encryption SDK with a KMS
 * keyring on the deployment's data key (`DATA_KEY_ARN`). Every function that writes the table may
 * generate data keys; only the ones whose manifest entry says `reveals` may decrypt (the notification
 * sender, the national-system entry files, the household view's health details), and KMS refuses the
 * rest. The local twin answers KMS itself from the key file in its data directory, under the same
 * IAM policies.
 *
 * Values are sealed under a value key the Encryption SDK wraps and the table keeps (`fieldCrypto`);
 * a container keeps one value key for five minutes, so a burst of writes asks KMS once.
 */

import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  getLocalCryptographicMaterialsCache,
  KmsKeyringNode,
  NodeCachingMaterialsManager,
} from '@aws-crypto/client-node';
import { KMS } from '@aws-sdk/client-kms';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isSealed, sealedParts, sealedToken } from '#domain/masking';
import { sealAs } from '#domain/personal-data';
import { config } from './config.ts';
import { perContainer } from './container.ts';
import { ddb } from './dynamodb-client.ts';

/** What sealing and revealing need; the DynamoDB adapter and the revealing use cases take one. */
export interface FieldCrypto {
  /** seals values (one write's worth) under the container's current value key */
  sealAll(values: readonly { value: string; masked: string }[]): Promise<string[]>;
  /** the whole value of a sealed one (anything else as it is) */
  reveal(value: string): Promise<string>;
}

const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
/** committing, unsigned: the wrapped value key needs no signature */
const SUITE = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;
const CONTEXT = { purpose: 'fangfan-personal-data' };
const AAD = Buffer.from('fangfan-personal-data/1');

/** Where wrapped value keys are kept, by id: the table itself (`SEALKEY#<id>`), so backups hold them. */
export interface SealKeyStore {
  /** keeps a new key (it never changes once written) */
  put(id: string, wrappedKey: string): Promise<void>;
  get(id: string): Promise<string | undefined>;
}

/** how long, and for how many values, one container seals under one value key */
const KEY_LIFETIME_MS = 5 * 60_000;
const KEY_USES = 1_000_000;

/**
 * Envelope encryption, as the Database Encryption SDK does it for DynamoDB: values are AES-256-GCM
 * (random 96-bit IV) under a value key; the value key is wrapped by the Encryption SDK under the
 * deployment's KMS key and kept once in the table (`SEALKEY#<id>`), and a token names it by id. A
 * container seals under one value key for five minutes, so the Encryption SDK (and KMS) is called once
 * per container and period, not per value, and a token adds some fifty bytes to its value. A token
 * copied into another record still opens: the key is found by its id.
 */
export function fieldCrypto(
  keyring: ConstructorParameters<typeof NodeCachingMaterialsManager>[0]['backingMaterials'],
  keys: SealKeyStore,
): FieldCrypto {
  const materials = new NodeCachingMaterialsManager({
    backingMaterials: keyring,
    cache: getLocalCryptographicMaterialsCache(64),
    maxAge: KEY_LIFETIME_MS,
    maxMessagesEncrypted: KEY_USES,
  });
  let current: Promise<{ id: string; key: Buffer; until: number; uses: number }> | undefined;
  const valueKey = async () => {
    const held = current && (await current.catch(() => undefined));
    if (held && held.until > Date.now() && held.uses < KEY_USES) return held;
    const made = (async () => {
      const key = randomBytes(32);
      const { result } = await encrypt(materials, key, {
        suiteId: SUITE,
        encryptionContext: CONTEXT,
        plaintextLength: key.length,
      });
      const wrapped = result.toString('base64url');
      const id = createHash('sha256').update(wrapped).digest('base64url').slice(0, 16);
      await keys.put(id, wrapped);
      opened.set(id, Promise.resolve(key));
      return { id, key, until: Date.now() + KEY_LIFETIME_MS, uses: 0 };
    })();
    current = made;
    return made;
  };
  /** value keys opened so far, by id: a record's values open with one unwrap */
  const opened = new Map<string, Promise<Buffer>>();
  const open = (id: string): Promise<Buffer> => {
    let key = opened.get(id);
    if (!key) {
      key = (async () => {
        const wrapped = await keys.get(id);
        if (!wrapped) throw new Error(`no value key ${id} for a sealed value`);
        const { plaintext, messageHeader } = await decrypt(materials, Buffer.from(wrapped, 'base64url'));
        if (messageHeader.encryptionContext.purpose !== CONTEXT.purpose)
          throw new Error('sealed value has another encryption context');
        return plaintext;
      })();
      if (opened.size >= 1000) opened.delete(opened.keys().next().value!);
      opened.set(id, key);
      key.catch(() => opened.delete(id));
    }
    return key;
  };
  return {
    async sealAll(values) {
      if (values.length === 0) return [];
      const held = await valueKey();
      held.uses += values.length;
      return values.map(({ value, masked }) => {
        const iv = randomBytes(12);
        const cipher = createCipheriv('aes-256-gcm', held.key, iv).setAAD(AAD);
        const sealed = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
        const payload = Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
        return sealedToken(`${held.id}~${payload}`, masked);
      });
    },
    async reveal(value) {
      const parts = sealedParts(value);
      if (!parts) return value;
      const [id, payload] = parts.ciphertext.split('~');
      if (!id || !payload) throw new Error('malformed sealed value');
      const key = await open(id);
      const bytes = Buffer.from(payload, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12))
        .setAAD(AAD)
        .setAuthTag(bytes.subarray(12, 28));
      return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

/** The value keys in the table, read and written with the function's own client. */
export function tableSealKeys(client: () => DynamoDBDocumentClient, table: () => string): SealKeyStore {
  const key = (id: string) => ({ PK: `SEALKEY#${id}`, SK: 'K' });
  return {
    async put(id, wrappedKey) {
      try {
        await client().send(
          new PutCommand({
            TableName: table(),
            Item: { ...key(id), type: 'SEAL_KEY', wrappedKey, createdAt: new Date().toISOString() },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        );
      } catch (error) {
        // the same id is the same wrapped key: already kept
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      }
    },
    async get(id) {
      const out = await client().send(
        new GetCommand({ TableName: table(), Key: key(id), ConsistentRead: true }),
      );
      return out.Item?.wrappedKey as string | undefined;
    },
  };
}

/** The function's own sealer, on the deployment's data key (read when first used). */
export const functionCrypto = perContainer((): FieldCrypto => {
  let crypto: FieldCrypto | undefined;
  const made = (): FieldCrypto => {
    if (!crypto) {
      // this container's own client: the SDK's shared client cache would lend one function's
      // credentials to another inside the twin
      const kms = new KMS({});
      crypto = fieldCrypto(
        new KmsKeyringNode({ generatorKeyId: config.dataKeyArn, clientProvider: () => kms }),
        tableSealKeys(ddb, () => config.tableName),
      );
    }
    return crypto;
  };
  return { sealAll: (values) => made().sealAll(values), reveal: (value) => made().reveal(value) };
});

type Pending = { value: string; masked: string }[];
const isPlain = (value: unknown): value is Record<string, unknown> =>
  Boolean(value) && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;

function collect(value: unknown, key: string, out: Pending): void {
  if (typeof value === 'string') {
    const masked = sealAs(key, value);
    if (masked !== undefined) out.push({ value, masked });
  } else if (Array.isArray(value)) for (const v of value) collect(v, key, out);
  else if (isPlain(value)) for (const [k, v] of Object.entries(value)) collect(v, k, out);
}

function replace(value: unknown, key: string, tokens: Iterator<string>): unknown {
  if (typeof value === 'string') return sealAs(key, value) === undefined ? value : tokens.next().value;
  if (Array.isArray(value)) return value.map((v) => replace(v, key, tokens));
  if (isPlain(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v, k, tokens)]));
  return value;
}

/**
 * Copies of the values with every personal value sealed (see `#domain/personal-data`), in one call;
 * `key` names the attribute holding each. Values already sealed are kept as they are, so a
 * record read and written back keeps its ciphertexts.
 */
export async function sealEach(
  crypto: FieldCrypto,
  values: readonly { value: unknown; key: string }[],
): Promise<unknown[]> {
  const pending: Pending = [];
  for (const { value, key } of values) collect(value, key, pending);
  if (pending.length === 0) return values.map(({ value }) => value);
  const tokens = (await crypto.sealAll(pending))[Symbol.iterator]();
  return values.map(({ value, key }) => replace(value, key, tokens));
}

export async function sealValues(crypto: FieldCrypto, value: unknown, key = ''): Promise<unknown> {
  return (await sealEach(crypto, [{ value, key }]))[0];
}

/** A copy with the named fields (anywhere in it) revealed: for the paths that need them whole. */
export async function revealFields<T>(
  crypto: FieldCrypto,
  value: T,
  fields: readonly string[],
  key = '',
): Promise<T> {
  if (typeof value === 'string')
    return (fields.includes(key) && isSealed(value) ? await crypto.reveal(value) : value) as T;
  if (Array.isArray(value))
    return (await Promise.all(value.map((v) => revealFields(crypto, v, fields, key)))) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [k, await revealFields(crypto, v, fields, k)] as const),
    );
    return Object.fromEntries(entries) as T;
  }
  return value;
}
