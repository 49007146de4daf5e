/**
 * SDK clients, created once per container, one module per service so that a function loads only the
 * SDK clients it uses (cold starts). Local mode points them at the embedded stack through the
 * `*_ENDPOINT` variables; nothing else changes. This module only keeps their reset hooks.
 */
const resetters: (() => void)[] = [];

export function onReset(reset: () => void): void {
  resetters.push(reset);
}

/** Tests and the local runtime swap clients (for aws-sdk-client-mock or a fresh endpoint). */
export function resetClients(): void {
  for (const reset of resetters) reset();
}

/** Credentials for the local endpoints, unless real ones are configured. */
export const localCredentials = (id: string, secret: string) =>
  process.env.AWS_ACCESS_KEY_ID ? undefined : { accessKeyId: id, secretAccessKey: secret };
