/**
 * Keys: the channels' webhook secrets, the approval-link key, the key for ID-number HMACs and the
 * local staff-token key. On AWS they live in one Secrets Manager secret (`SECRETS_ARN`), read once per
 * container; locally they come from the environment the local runtime prepared.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

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

export function secrets(): Promise<Secrets> {
  cached ??= (async () => {
    const arn = process.env.SECRETS_ARN;
    if (!arn) return fromEnvironment();
    const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
    return JSON.parse(out.SecretString ?? '{}') as Secrets;
  })();
  return cached;
}

export function resetSecrets(): void {
  cached = undefined;
}
