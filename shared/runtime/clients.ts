/**
 * SDK clients, one per container, one module per service so that a function loads only the SDK
 * clients it uses (cold starts). They are configured by the environment alone, as on AWS: the local
 * twin hands each function its own credentials and `AWS_ENDPOINT_URL_*` pointing at the local
 * services, the way Lambda hands each function its role's credentials.
 */
import { resetContainers } from './container.ts';

/** Tests and the local runtime swap clients (for aws-sdk-client-mock or a fresh endpoint). */
export function resetClients(): void {
  resetContainers();
}
