import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
/** The CDK app: what it deploys, least privilege, and cdk-nag's AwsSolutions checks. */
import { App, Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { FangfanStack } from '../../infra/aws/fangfan-stack.ts';
import { acknowledgeNagFindings } from '../../infra/aws/nag.ts';
import { localContext } from '../../infra/local/definitions.ts';
import { FUNCTION_NAMES, type FunctionName, requiredSettings, specOf } from '../../infra/manifest.ts';

let stack: FangfanStack;
let template: Template;

beforeAll(() => {
  const app = new App({ context: { ...localContext({}), 'aws:cdk:bundling-stacks': [] } });
  stack = new FangfanStack(app, 'Fangfan');
  acknowledgeNagFindings(stack);
  Aspects.of(app).add(new AwsSolutionsChecks());
  template = Template.fromStack(stack);
});

const policyOf = (fn: FunctionName) => {
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

  it('runs every function on Node 24, arm64', () => {
    const resources = template.findResources('AWS::Lambda::Function');
    const ours = Object.values(stack.functions).map(
      (f) => resources[stack.getLogicalId(f.node.defaultChild as never)]!,
    );
    // one function per folder of functions/, each deployed
    expect(ours).toHaveLength(readdirSync('functions').length);
    for (const f of ours) {
      expect(f.Properties.Runtime).toBe('nodejs24.x');
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

  it('derives every function’s settings and grants from its manifest entry', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    for (const name of FUNCTION_NAMES) {
      const variables = functions[stack.getLogicalId(stack.functions[name].node.defaultChild as never)]!
        .Properties.Environment.Variables as Record<string, unknown>;
      for (const setting of requiredSettings(specOf(name)))
        expect(variables, `${name} ${setting}`).toHaveProperty(setting);
      const policy = policyOf(name);
      if (specOf(name).notifies) expect(policy, name).toContain('sns:Publish');
      else expect(policy, name).not.toContain('sns:Publish');
    }
    // the two faults a first deployment would have met
    expect(policyOf('registry-files')).toContain('states:StartExecution');
    expect(policyOf('registry-files')).toContain('commitments/*');
    expect(policyOf('human-steps')).toContain('sns:Publish');
  });

  it('gives every asynchronous invocation an on-failure destination and every alarm an action', () => {
    const invokeConfigs = template.findResources('AWS::Lambda::EventInvokeConfig');
    const asynchronous = FUNCTION_NAMES.filter((n) => specOf(n).s3Events || specOf(n).dailySchedule);
    expect(Object.keys(invokeConfigs)).toHaveLength(asynchronous.length);
    for (const config of Object.values(invokeConfigs))
      expect(config.Properties.DestinationConfig.OnFailure.Destination).toBeDefined();
    for (const schedule of Object.values(template.findResources('AWS::Scheduler::Schedule')))
      expect(schedule.Properties.Target.DeadLetterConfig.Arn).toBeDefined();
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThanOrEqual(2 * FUNCTION_NAMES.length + 8);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toHaveLength(1);
    for (const metric of ['ApproximateNumberOfMessagesVisible', '5xx', 'ExecutionsAborted'])
      expect(JSON.stringify(alarms)).toContain(metric);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('refuses to synthesize without a channel for personal links', () => {
    const app = new App({
      context: { ...localContext({}), 'fangfan:notifyChannels': [], 'aws:cdk:bundling-stacks': [] },
    });
    expect(() => new FangfanStack(app, 'Fangfan')).toThrow(/fangfan:notifyChannels/);
  });

  it('lints clean with cfn-lint', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fangfan-cfn-'));
    const file = join(dir, 'template.json');
    writeFileSync(file, JSON.stringify(template.toJSON()));
    const lint = spawnSync('cfn-lint', ['--format', 'parseable', '--', file], { encoding: 'utf8' });
    expect(lint.error, 'cfn-lint is installed').toBeUndefined();
    const errors = lint.stdout.split('\n').filter((line) => /:E\d{4}:/.test(line));
    expect(errors).toEqual([]);
  });
});
