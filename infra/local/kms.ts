/**
 * The twin's KMS: the deployment's data key (`PersonalDataKey`) as a raw AES-256 key kept in the
 * data directory's `keys.json` (owner-only). It answers the two calls the Encryption SDK's KMS
 * keyring makes, GenerateDataKey and Decrypt, in process for the twin's own writes and over the
 * AWS endpoint for the functions, after their role's policies allow it.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export class KmsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

type Context = Record<string, string> | undefined;

/** the key ARN and the encryption context are bound to the wrapped data key */
const aad = (keyArn: string, context: Context) =>
  Buffer.from(JSON.stringify([keyArn, Object.entries(context ?? {}).sort(([a], [b]) => a.localeCompare(b))]));

export class LocalKms {
  constructor(
    private readonly key: Buffer,
    readonly keyArn: string,
  ) {}

  private known(keyId: string | undefined): void {
    if (keyId && keyId !== this.keyArn && keyId !== this.keyArn.split('/').pop())
      throw new KmsError('NotFoundException', `Key '${keyId}' does not exist`);
  }

  async generateDataKey(input: {
    KeyId?: string;
    NumberOfBytes?: number;
    EncryptionContext?: Context;
  }): Promise<{ KeyId: string; Plaintext: Uint8Array; CiphertextBlob: Uint8Array }> {
    this.known(input.KeyId);
    const plaintext = randomBytes(input.NumberOfBytes ?? 32);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(
      aad(this.keyArn, input.EncryptionContext),
    );
    const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return {
      KeyId: this.keyArn,
      Plaintext: plaintext,
      CiphertextBlob: Buffer.concat([Buffer.from([1]), iv, cipher.getAuthTag(), sealed]),
    };
  }

  async decrypt(input: {
    CiphertextBlob?: Uint8Array;
    EncryptionContext?: Context;
    KeyId?: string;
  }): Promise<{ KeyId: string; Plaintext: Uint8Array; EncryptionAlgorithm: string }> {
    this.known(input.KeyId);
    const blob = Buffer.from(input.CiphertextBlob ?? []);
    if (blob.length < 30 || blob[0] !== 1)
      throw new KmsError('InvalidCiphertextException', 'not a local KMS ciphertext');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, blob.subarray(1, 13))
        .setAAD(aad(this.keyArn, input.EncryptionContext))
        .setAuthTag(blob.subarray(13, 29));
      const plaintext = Buffer.concat([decipher.update(blob.subarray(29)), decipher.final()]);
      return { KeyId: this.keyArn, Plaintext: plaintext, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    } catch {
      throw new KmsError(
        'InvalidCiphertextException',
        'the ciphertext or its encryption context does not match',
      );
    }
  }
}
