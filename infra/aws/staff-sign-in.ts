/**
 * How staff sign in, per partition. The HTTP API's JWT authorizer trusts one OIDC issuer and audience:
 * - aws (default): a Cognito user pool with managed login, its console client using the authorization
 *   code flow with PKCE; the directory person is the `custom:personId` claim of its ID token;
 * - aws-cn, or any deployment that sets `fangfan:oidcIssuer`: an external provider (a province's
 *   统一身份认证, Keycloak, …) given by `fangfan:oidcIssuer`, `fangfan:oidcAudience` and
 *   `fangfan:personIdClaim`. Cognito user pools are not offered in the China regions.
 */
import { Aws, CfnOutput, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  StringAttribute,
  UserPool,
} from 'aws-cdk-lib/aws-cognito';

export type Partition = 'aws' | 'aws-cn';

export interface StaffSignIn {
  authorizer: HttpJwtAuthorizer;
  issuer: string;
  audience: string;
  /** the claim that names the directory person */
  personIdClaim: string;
}

export function staffSignIn(
  stack: Stack,
  api: HttpApi,
  partition: Partition,
  settings: { issuer?: string; audience?: string; personIdClaim?: string },
): StaffSignIn {
  if (settings.issuer) {
    if (!settings.audience || !settings.personIdClaim)
      throw new Error(
        'fangfan:oidcIssuer is set: set fangfan:oidcAudience (the console’s client id) and fangfan:personIdClaim (the claim holding the directory person id) too',
      );
    // API Gateway trusts https issuers only; a provider on the township machine's loopback is the exception
    if (!/^(https:\/\/|http:\/\/(127\.0\.0\.1|localhost)[:/])/.test(settings.issuer))
      throw new Error('fangfan:oidcIssuer must be an https:// URL');
    new CfnOutput(stack, 'OidcIssuer', { value: settings.issuer });
    return {
      authorizer: new HttpJwtAuthorizer('StaffAuthorizer', settings.issuer, {
        jwtAudience: [settings.audience],
      }),
      issuer: settings.issuer,
      audience: settings.audience,
      personIdClaim: settings.personIdClaim,
    };
  }
  if (partition === 'aws-cn')
    throw new Error(
      'aws-cn has no Cognito user pools: set fangfan:oidcIssuer, fangfan:oidcAudience and fangfan:personIdClaim to the OIDC provider staff sign in with',
    );

  const userPool = new UserPool(stack, 'Staff', {
    selfSignUpEnabled: false,
    signInAliases: { username: true },
    passwordPolicy: {
      minLength: 12,
      requireDigits: true,
      requireLowercase: true,
      requireUppercase: true,
      requireSymbols: true,
    },
    accountRecovery: AccountRecovery.NONE,
    // staff read ID numbers, health and income: a second factor (an authenticator app; SMS is not
    // offered everywhere) is required
    mfa: Mfa.REQUIRED,
    mfaSecondFactor: { otp: true, sms: false },
    // the staff API reads the directory person behind a login from this claim (custom:personId)
    customAttributes: { personId: new StringAttribute({ mutable: true, minLen: 1, maxLen: 64 }) },
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const client = userPool.addClient('StaffConsole', {
    generateSecret: false,
    oAuth: {
      flows: { authorizationCodeGrant: true },
      scopes: [OAuthScope.OPENID, OAuthScope.PROFILE],
      callbackUrls: [`${api.apiEndpoint}/console`],
      logoutUrls: [`${api.apiEndpoint}/console`],
    },
  });
  const domain = userPool.addDomain('StaffLogin', {
    cognitoDomain: { domainPrefix: `fangfan-${Aws.ACCOUNT_ID}` },
    managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
  });
  new CfnManagedLoginBranding(stack, 'StaffLoginBranding', {
    userPoolId: userPool.userPoolId,
    clientId: client.userPoolClientId,
    useCognitoProvidedValues: true,
  });
  new CfnOutput(stack, 'StaffUserPoolId', { value: userPool.userPoolId });
  new CfnOutput(stack, 'StaffConsoleClientId', { value: client.userPoolClientId });
  new CfnOutput(stack, 'StaffLoginUrl', { value: domain.baseUrl() });
  const issuer = userPool.userPoolProviderUrl;
  return {
    authorizer: new HttpJwtAuthorizer('StaffAuthorizer', issuer, { jwtAudience: [client.userPoolClientId] }),
    issuer,
    audience: client.userPoolClientId,
    personIdClaim: 'custom:personId',
  };
}
