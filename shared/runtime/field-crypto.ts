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
  seal(value: string, masked: string): Promise<string>;
  /** the whole value of a sealed one (anything else as it is) */
  reveal(value: string): Promise<string>;
}

const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
/** committing, unsigned: a signature per field would double its size and its cost */
const SUITE = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;
const CONTEXT = { purpose: 'fangfan-personal-data' };

/** An Encryption SDK sealer on a keyring (the KMS one in functions; the twin passes its own KMS). */
export function fieldCrypto(
  keyring: ConstructorParameters<typeof NodeCachingMaterialsManager>[0]['backingMaterials'],
): FieldCrypto {
  const materials = new NodeCachingMaterialsManager({
    backingMaterials: keyring,
    cache: getLocalCryptographicMaterialsCache(64),
    maxAge: 5 * 60_000,
    maxMessagesEncrypted: 1_000_000,
  });
  return {
    async seal(value, masked) {
      const plaintext = Buffer.from(value, 'utf8');
      const { result } = await encrypt(materials, plaintext, {
        suiteId: SUITE,
        encryptionContext: CONTEXT,
        plaintextLength: plaintext.length,
      });
      return sealedToken(result.toString('base64url'), masked);
    },
    async reveal(value) {
      const parts = sealedParts(value);
      if (!parts) return value;
      const { plaintext, messageHeader } = await decrypt(
        materials,
        Buffer.from(parts.ciphertext, 'base64url'),
      );
      if (messageHeader.encryptionContext.purpose !== CONTEXT.purpose)
        throw new Error('sealed value has another encryption context');
      return plaintext.toString('utf8');
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
  return { seal: (value, masked) => made().seal(value, masked), reveal: (value) => made().reveal(value) };
});

/**
 * A copy of `value` with every personal value sealed (see `#domain/personal-data`); `key` names the
 * attribute holding it. Values already sealed are kept as they are, so a record read and written
 * back keeps its ciphertexts.
 */
export async function sealValues(crypto: FieldCrypto, value: unknown, key = ''): Promise<unknown> {
  if (typeof value === 'string') {
    const masked = sealAs(key, value);
    return masked === undefined ? value : crypto.seal(value, masked);
  }
  if (Array.isArray(value)) return Promise.all(value.map((v) => sealValues(crypto, v, key)));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [k, await sealValues(crypto, v, k)] as const),
    );
    return Object.fromEntries(entries);
  }
  return value;
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
