/**
 * Keys: the channels' webhook secrets, the approval-link key, the key for ID-number HMACs and the
 * local staff-token key.
 *
 * On AWS three Secrets Manager secrets are generated at deploy time: one per channel (shared with the
 * hotline vendor and the mini-program back end, who read them from the console) and one master key
 * from which the internal keys are derived (HKDF), so nothing has to be filled in by hand. They are
 * read once per container. Locally they come from the environment the local runtime prepared.
 */
import { hkdfSync } from 'node:crypto';

export interface Secrets {
  hotline: string;
  'mini-program': string;
  linkKey: string;
  idHmacKey: string;
  staffTokenKey: string;
}

let cached: Promise<Secrets> | undefined;

function fromEnvironment(): Secrets {
  const read = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`missing secret ${name}`);
    return value;
  };
  return {
    hotline: read('FANGFAN_SECRET_HOTLINE'),
    'mini-program': read('FANGFAN_SECRET_MINIPROGRAM'),
    linkKey: read('FANGFAN_LINK_KEY'),
    idHmacKey: read('FANGFAN_ID_HMAC_KEY'),
    staffTokenKey: process.env.FANGFAN_STAFF_TOKEN_KEY ?? read('FANGFAN_LINK_KEY'),
  };
}

/** An internal key derived from the master key; the purpose names it. */
export const deriveKey = (master: string, purpose: string): string =>
  Buffer.from(hkdfSync('sha256', master, 'fangfan', purpose, 32)).toString('hex');

async function fromSecretsManager(arns: {
  keys: string;
  hotline: string;
  miniProgram: string;
}): Promise<Secrets> {
  // loaded only on AWS: locally the keys come from the environment
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({});
  const [master, hotline, miniProgram] = await Promise.all(
    [arns.keys, arns.hotline, arns.miniProgram].map(async (SecretId) => {
      const out = await client.send(new GetSecretValueCommand({ SecretId }));
      if (!out.SecretString) throw new Error(`secret ${SecretId} is empty`);
      return out.SecretString;
    }),
  );
  return {
    hotline: hotline!,
    'mini-program': miniProgram!,
    linkKey: deriveKey(master!, 'approval-links'),
    idHmacKey: deriveKey(master!, 'id-number-hmac'),
    staffTokenKey: deriveKey(master!, 'staff-tokens'),
  };
}

export function secrets(): Promise<Secrets> {
  cached ??= (async () => {
    const keys = process.env.KEYS_SECRET_ARN;
    const hotline = process.env.HOTLINE_SECRET_ARN;
    const miniProgram = process.env.MINIPROGRAM_SECRET_ARN;
    if (keys && hotline && miniProgram) return fromSecretsManager({ keys, hotline, miniProgram });
    return fromEnvironment();
  })();
  return cached;
}

export function resetSecrets(): void {
  cached = undefined;
}
