/** cdk-nag acknowledgements, each with its reason. */

import { NagSuppressions } from 'cdk-nag';
import type { FangfanStack } from './fangfan-stack.ts';

export function acknowledgeNagFindings(stack: FangfanStack): void {
  NagSuppressions.addResourceSuppressions(stack.failedInvocations, [
    {
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter destination of the asynchronous invocations (S3 events, schedules); its depth is alarmed.',
    },
  ]);
  NagSuppressions.addStackSuppressions(stack, [
    {
      id: 'AwsSolutions-IAM4',
      reason:
        'AWSLambdaBasicExecutionRole is the managed policy for writing a function’s own logs; nothing broader is attached.',
    },
    {
      id: 'AwsSolutions-IAM5',
      reason:
        'Wildcards are scoped: table index ARNs (<table>/index/*), object prefixes (commitments/*, quarantine/*, exports/*, …), X-Ray and log delivery, and SMS publishing (sns:Publish to a phone number has no resource to name), none of which has resource-level permissions.',
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
  ]);
}
