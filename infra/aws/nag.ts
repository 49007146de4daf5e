/** cdk-nag acknowledgements, each with its reason. */
import type { Stack } from 'aws-cdk-lib';
import { NagSuppressions } from 'cdk-nag';

export function acknowledgeNagFindings(stack: Stack): void {
  NagSuppressions.addStackSuppressions(stack, [
    {
      id: 'AwsSolutions-IAM4',
      reason:
        'AWSLambdaBasicExecutionRole is the managed policy for writing a function’s own logs; nothing broader is attached.',
    },
    {
      id: 'AwsSolutions-IAM5',
      reason:
        'Wildcards are scoped: table index ARNs (<table>/index/*), object prefixes (commitments/*, quarantine/*), X-Ray and log delivery, which have no resource-level permissions.',
    },
    {
      id: 'AwsSolutions-SMG4',
      reason:
        'The webhook secrets are shared with the hotline vendor and rotated by agreement with them, not automatically.',
    },
    {
      id: 'AwsSolutions-COG2',
      reason: 'Staff MFA is enforced by the province’s identity provider federated into the pool.',
    },
    {
      id: 'AwsSolutions-COG8',
      reason:
        'The Plus feature plan is not offered in every partition (aws-cn); staff sign in through the federated provider.',
    },
    {
      id: 'AwsSolutions-COG3',
      reason: 'Advanced security mode is a paid add-on not available in every partition (aws-cn).',
    },
    {
      id: 'AwsSolutions-APIG4',
      reason:
        'Webhooks authenticate by HMAC signature and approval links by signed token in the handler; staff routes use the Cognito authorizer.',
    },
    {
      id: 'AwsSolutions-L1',
      reason: 'Functions run on Node.js 22, the newest runtime the bundling target and the team support.',
    },
  ]);
}
