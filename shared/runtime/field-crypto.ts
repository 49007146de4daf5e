/**
 * Personal data encrypted at the field level (DESIGN.md, Data): the AWS Encryption SDK with a KMS
 * keyring on the deployment's data key (`DATA_KEY_ARN`). Every function that writes the table may
 * generate data keys; only the ones whose manifest entry says `reveals` may decrypt (the notification
 * sender, the national-system entry files, the household view's health details), and KMS refuses the
 * rest. The local twin answers KMS itself from the key file in its data directory, under the same
 * IAM policies.
 *
 * Data keys are cached per container (5 minutes, as the Encryption SDK's caching materials manager
 * allows), so a burst of writes asks KMS once.
 */

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  getLocalCryptographicMaterialsCache,
  KmsKeyringNode,
  NodeCachingMaterialsManager,
} from '@aws-crypto/client-node';
import { KMS } from '@aws-sdk/client-kms';
import { isSealed, sealedParts, sealedToken } from '#domain/masking';
import { sealAs } from '#domain/personal-data';
import { config } from './config.ts';
import { perContainer } from './container.ts';

/** What sealing and revealing need; the DynamoDB adapter and the revealing use cases take one. */
export interface FieldCrypto {
  /** seals values together: one data key for all of them (one write's worth) */
  sealAll(values: readonly { value: string; masked: string }[]): Promise<string[]>;
  /** the whole value of a sealed one (anything else as it is) */
  reveal(value: string): Promise<string>;
}

const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
/** committing, unsigned: a signature per write would cost more than the write */
const SUITE = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;
const CONTEXT = { purpose: 'fangfan-personal-data' };
const AAD = Buffer.from('fangfan-personal-data/1');

/**
 * Envelope encryption, as the Database Encryption SDK does it for DynamoDB: each write gets a fresh
 * 256-bit key, wrapped by the Encryption SDK under the deployment's KMS key; each value is AES-256-GCM
 * under that key (random 96-bit IV), and its token carries the wrapped key beside its own ciphertext,
 * so a value copied to another record still opens. One Encryption SDK call per write, not per value:
 * a 10,000-household registry import seals 80,000 values.
 */
export function fieldCrypto(
  keyring: ConstructorParameters<typeof NodeCachingMaterialsManager>[0]['backingMaterials'],
): FieldCrypto {
  const materials = new NodeCachingMaterialsManager({
    backingMaterials: keyring,
    cache: getLocalCryptographicMaterialsCache(64),
    maxAge: 5 * 60_000,
    maxMessagesEncrypted: 1_000_000,
  });
  /** unwrapped write keys, by their wrapped form: a record's values open with one unwrap */
  const unwrapped = new Map<string, Promise<Buffer>>();
  const unwrap = (wrapped: string): Promise<Buffer> => {
    let key = unwrapped.get(wrapped);
    if (!key) {
      key = (async () => {
        const { plaintext, messageHeader } = await decrypt(materials, Buffer.from(wrapped, 'base64url'));
        if (messageHeader.encryptionContext.purpose !== CONTEXT.purpose)
          throw new Error('sealed value has another encryption context');
        return plaintext;
      })();
      if (unwrapped.size >= 1000) unwrapped.delete(unwrapped.keys().next().value!);
      unwrapped.set(wrapped, key);
      key.catch(() => unwrapped.delete(wrapped));
    }
    return key;
  };
  return {
    async sealAll(values) {
      if (values.length === 0) return [];
      const key = randomBytes(32);
      const { result } = await encrypt(materials, key, {
        suiteId: SUITE,
        encryptionContext: CONTEXT,
        plaintextLength: key.length,
      });
      const wrapped = result.toString('base64url');
      return values.map(({ value, masked }) => {
        const iv = randomBytes(12);
        const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(AAD);
        const sealed = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
        const payload = Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
        return sealedToken(`${wrapped}~${payload}`, masked);
      });
    },
    async reveal(value) {
      const parts = sealedParts(value);
      if (!parts) return value;
      const [wrapped, payload] = parts.ciphertext.split('~');
      if (!wrapped || !payload) throw new Error('malformed sealed value');
      const key = await unwrap(wrapped);
      const bytes = Buffer.from(payload, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12))
        .setAAD(AAD)
        .setAuthTag(bytes.subarray(12, 28));
      return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

/** The function's own sealer, on the deployment's data key (read when first used). */
export const functionCrypto = perContainer((): FieldCrypto => {
  let crypto: FieldCrypto | undefined;
  const made = () => {
    // this container's own client: the SDK's shared client cache would lend one function's
    // credentials to another inside the twin
    const kms = new KMS({});
    crypto ??= fieldCrypto(
      new KmsKeyringNode({ generatorKeyId: config.dataKeyArn, clientProvider: () => kms }),
    );
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
 * Copies of the values with every personal value sealed (see `#domain/personal-data`), all under one
 * write key; `key` names the attribute holding each. Values already sealed are kept as they are, so a
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
