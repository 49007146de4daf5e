import { readdirSync } from 'node:fs';
/** The CDK app: what it deploys, least privilege, and cdk-nag's AwsSolutions checks. */
import { App, Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { FangfanStack } from '../../infra/aws/fangfan-stack.ts';
import { acknowledgeNagFindings } from '../../infra/aws/nag.ts';

let stack: FangfanStack;
let template: Template;

beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  stack = new FangfanStack(app, 'Fangfan');
  acknowledgeNagFindings(stack);
  Aspects.of(app).add(new AwsSolutionsChecks());
  template = Template.fromStack(stack);
});

const policyOf = (fn: string) => {
  const role = stack.getLogicalId(stack.functions[fn]!.role!.node.defaultChild as never);
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } });
  return JSON.stringify(policies);
};

describe('Fangfan stack', () => {
  it('passes cdk-nag AwsSolutions with every acknowledgement reasoned', () => {
    const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
    expect(errors.map((e) => e.entry.data)).toEqual([]);
  });

  it('keeps the table safe: PITR, TTL, encryption', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('blocks public access to documents, versions them and expires quarantine', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: 'quarantine/' })]) },
    });
  });

  it('runs every function on Node 22, arm64', () => {
    const resources = template.findResources('AWS::Lambda::Function');
    const ours = Object.values(stack.functions).map(
      (f) => resources[stack.getLogicalId(f.node.defaultChild as never)]!,
    );
    // one function per folder of functions/, each deployed
    expect(ours).toHaveLength(readdirSync('functions').length);
    for (const f of ours) {
      expect(f.Properties.Runtime).toBe('nodejs22.x');
      expect(f.Properties.Architectures).toEqual(['arm64']);
    }
  });

  it('logs the state machine without execution data, traced, as a Standard workflow', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ IncludeExecutionData: false }),
    });
  });

  it('alarms on failed and timed-out executions', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ExecutionsFailed' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ExecutionsTimedOut' });
  });

  it('lets intake start executions but never answer a task token', () => {
    const intake = policyOf('submit-application');
    expect(intake).toContain('states:StartExecution');
    expect(intake).not.toContain('states:SendTaskSuccess');
    expect(policyOf('approval-link')).toContain('states:SendTaskSuccess');
    expect(policyOf('staff-api')).not.toContain('dynamodb:PutItem');
  });

  it('names no partition', () => {
    expect(JSON.stringify(template.toJSON())).not.toMatch(/arn:aws:|arn:aws-cn:/);
  });
});
