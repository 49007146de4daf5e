/**
 * Keys: each webhook channel's secret and the internal keys (approval links, ID-number HMACs, local
 * staff tokens), all from Secrets Manager.
 *
 * Three secrets are generated at deploy time: one per channel (shared with the hotline vendor and the
 * mini-program back end, who read them from the console) and one master key from which the internal
 * keys are derived (HKDF), so nothing has to be filled in by hand. Each is read once per container,
 * and only by the functions whose manifest entry names it. The local twin serves the same three
 * secrets from its data directory through its own Secrets Manager endpoint.
 */
import { hkdfSync } from 'node:crypto';
import { config } from './config.ts';
import { perContainer } from './container.ts';

export interface Secrets {
  linkKey: string;
  idHmacKey: string;
  staffTokenKey: string;
  /** signs the object keys commitment upload URLs are issued for */
  uploadKey: string;
  /** signs the links that stream an accepted commitment scan */
  scanKey: string;
}

/** An internal key derived from the master key; the purpose names it. */
export const deriveKey = (master: string, purpose: string): string =>
  Buffer.from(hkdfSync('sha256', master, 'fangfan', purpose, 32)).toString('hex');

/** The internal keys as derived from one master key. */
export const keysFrom = (master: string): Secrets => ({
  linkKey: deriveKey(master, 'approval-links'),
  idHmacKey: deriveKey(master, 'id-number-hmac'),
  staffTokenKey: deriveKey(master, 'staff-tokens'),
  uploadKey: deriveKey(master, 'commitment-uploads'),
  scanKey: deriveKey(master, 'commitment-scans'),
});

const client = perContainer(async () => {
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const sm = new SecretsManagerClient({});
  return async (SecretId: string): Promise<string> => {
    const out = await sm.send(new GetSecretValueCommand({ SecretId }));
    if (!out.SecretString) throw new Error(`secret ${SecretId} is empty`);
    return out.SecretString;
  };
});

const values = perContainer(() => new Map<string, Promise<string>>());

/** A secret's value, read once per container; a failed read is not kept, so the next one tries again. */
export function secretValue(arn: string): Promise<string> {
  const known = values();
  let value = known.get(arn);
  if (!value) {
    value = (async () => (await client())(arn))();
    known.set(arn, value);
    value.catch(() => known.delete(arn));
  }
  return value;
}

export async function secrets(): Promise<Secrets> {
  return keysFrom(await secretValue(config.keysSecretArn));
}

/** A webhook channel's shared secret. */
export function channelSecret(channel: 'hotline' | 'mini-program'): Promise<string> {
  return secretValue(config.channelSecretArn(channel));
}
