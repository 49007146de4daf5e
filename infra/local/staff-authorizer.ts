/**
 * The twin's stand-in for the HTTP API's JWT authorizer, trusting what the synthesized authorizer
 * trusts: an external OIDC issuer's signed tokens (issuer, audience, expiry and signature checked with
 * `jose` against the issuer's published keys), or — where the deployment signs staff in with Cognito —
 * the development twin's person-id login tokens. It answers the claims the staff functions receive.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { readToken } from '#links/signed-token';
import { LOCAL_SIGN_IN } from './definitions.ts';

export type StaffAuthorizer = (token: string) => Promise<Record<string, unknown> | undefined>;

export function staffAuthorizer(options: {
  issuer: string;
  audience: string[];
  personIdClaim: string;
  localTokenKey: string;
}): StaffAuthorizer {
  if (options.issuer === LOCAL_SIGN_IN)
    return async (token) => {
      const claims = readToken<{ p: string; e: number }>(token, options.localTokenKey);
      return claims && claims.e > Date.now() / 1000 ? { [options.personIdClaim]: claims.p } : undefined;
    };
  let keys: ReturnType<typeof createRemoteJWKSet> | undefined;
  const jwks = async () => {
    if (!keys) {
      const discovery = await fetch(`${options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
      if (!discovery.ok) throw new Error(`OIDC discovery of ${options.issuer} answered ${discovery.status}`);
      keys = createRemoteJWKSet(new URL(((await discovery.json()) as { jwks_uri: string }).jwks_uri));
    }
    return keys;
  };
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, await jwks(), {
        issuer: options.issuer,
        audience: options.audience,
      });
      return payload as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };
}
