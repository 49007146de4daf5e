import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
/** The CDK app: what it deploys, least privilege, and cdk-nag's AwsSolutions checks. */
import { App, Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCAN_LINKS_PRESIGNED } from '#links/scan-links';
import { FangfanStack, stackEnvironment } from '../../infra/aws/fangfan-stack.ts';
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
    // only the outbox's sender talks to the channels; the steps write messages to the table
    expect(policyOf('message-sender')).toContain('sns:Publish');
    expect(policyOf('human-steps')).not.toContain('sns:Publish');
  });

  it('hands the sender each message to send from the table’s stream, with retries and a destination', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
    });
    const [mapping] = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    expect(mapping!.Properties).toMatchObject({
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      StartingPosition: 'TRIM_HORIZON',
    });
    expect(mapping!.Properties.DestinationConfig.OnFailure.Destination).toBeDefined();
    expect(JSON.parse(mapping!.Properties.FilterCriteria.Filters[0].Pattern)).toEqual({
      eventName: ['INSERT', 'MODIFY'],
      dynamodb: { NewImage: { type: { S: ['MESSAGE'] }, status: { S: ['PENDING'] } } },
    });
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule'));
    expect(schedules.map((s) => s.Properties.ScheduleExpression)).toContain('rate(1 minute)');
  });

  it('gives every asynchronous invocation an on-failure destination and every alarm an action', () => {
    const invokeConfigs = template.findResources('AWS::Lambda::EventInvokeConfig');
    const asynchronous = FUNCTION_NAMES.filter(
      (n) => specOf(n).s3Events || specOf(n).dailySchedule || specOf(n).minuteSchedule,
    );
    expect(Object.keys(invokeConfigs)).toHaveLength(asynchronous.length);
    for (const config of Object.values(invokeConfigs))
      expect(config.Properties.DestinationConfig.OnFailure.Destination).toBeDefined();
    // daily runs that failed wait in the queue; a missed minute of the retry sweep is the next minute's
    for (const schedule of Object.values(template.findResources('AWS::Scheduler::Schedule')))
      if (schedule.Properties.ScheduleExpression !== 'rate(1 minute)')
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
    expect(lintErrors(template, [])).toEqual([]);
  });

  it('signs staff in through Cognito managed login with PKCE, behind a JWT authorizer', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['code'],
      GenerateSecret: false,
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { ManagedLoginVersion: 2 });
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerType: 'JWT' });
  });
});

/** cfn-lint's errors on a template, for the given regions (its default region when none). */
function lintErrors(synthesized: Template, regions: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'fangfan-cfn-'));
  const file = join(dir, 'template.json');
  writeFileSync(file, JSON.stringify(synthesized.toJSON()));
  const args = ['--format', 'parseable', ...(regions.length ? ['--regions', ...regions] : []), '--', file];
  const lint = spawnSync('cfn-lint', args, { encoding: 'utf8' });
  expect(lint.error, 'cfn-lint is installed').toBeUndefined();
  return lint.stdout.split('\n').filter((line) => /:E\d{4}:/.test(line));
}

describe('the China partition', () => {
  const china = (extra: Record<string, unknown>) => {
    const app = new App({
      context: {
        ...localContext({}),
        partition: 'aws-cn',
        'fangfan:notifyChannels': ['tencent-sms', 'wecom-app', 'wecom'],
        'fangfan:wecomWebhookUrl': 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k',
        'fangfan:oidcIssuer': 'https://sso.example.gov.cn/realms/fangfan',
        'fangfan:oidcAudience': 'fangfan-console',
        'fangfan:personIdClaim': 'person_id',
        'aws:cdk:bundling-stacks': [],
        ...extra,
      },
    });
    const cn = new FangfanStack(app, 'Fangfan', { env: stackEnvironment(app) });
    acknowledgeNagFindings(cn);
    Aspects.of(app).add(new AwsSolutionsChecks());
    return { stack: cn, template: Template.fromStack(cn) };
  };

  it.each([['cn-northwest-1'], ['cn-north-1']])('synthesizes for %s and lints clean there', (region) => {
    const { stack: cn, template: t } = china({ region });
    expect(cn.region).toBe(region);
    expect(lintErrors(t, [region])).toEqual([]);
    expect(Object.keys(t.findResources('AWS::Cognito::UserPool'))).toEqual([]);
    // Ningxia offers no function URLs: the approval page presigns scans there and may read them
    const urls = Object.keys(t.findResources('AWS::Lambda::Url'));
    const scanOrigins = Object.values(t.findResources('AWS::Lambda::Function'))
      .map((f) => f.Properties.Environment?.Variables?.COMMITMENT_SCAN_URL)
      .filter(Boolean);
    expect(scanOrigins).toHaveLength(FUNCTION_NAMES.filter((n) => specOf(n).scanLinks).length);
    const pagePolicies = JSON.stringify(
      Object.values(t.findResources('AWS::IAM::Policy')).filter((p) =>
        JSON.stringify(p.Properties.Roles).includes('ApprovalLink'),
      ),
    );
    if (region === 'cn-northwest-1') {
      expect(urls).toEqual([]);
      expect(scanOrigins.every((v) => v === SCAN_LINKS_PRESIGNED)).toBe(true);
      expect(pagePolicies).toContain('/commitments/*');
    } else {
      expect(urls).toHaveLength(1);
      expect(pagePolicies).not.toContain('/commitments/*');
      expect(scanOrigins.every((v) => v !== SCAN_LINKS_PRESIGNED)).toBe(true);
    }
    t.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: {
        Issuer: 'https://sso.example.gov.cn/realms/fangfan',
        Audience: ['fangfan-console'],
      },
    });
    const variables = Object.values(t.findResources('AWS::Lambda::Function')).map(
      (f) => f.Properties.Environment?.Variables ?? {},
    );
    expect(variables.filter((v) => v.PERSON_ID_CLAIM).every((v) => v.PERSON_ID_CLAIM === 'person_id')).toBe(
      true,
    );
    // WeCom application messages and Tencent Cloud SMS, their secrets read by the sender only
    const notifying = FUNCTION_NAMES.filter((n) => specOf(n).notifies).length;
    expect(notifying).toBe(1);
    expect(variables.filter((v) => v.WECOM_APP_SECRET_ARN)).toHaveLength(notifying);
    expect(variables.filter((v) => v.SMS_PROVIDER_SECRET_ARN)).toHaveLength(notifying);
    // no function may publish SMS through SNS there
    expect(JSON.stringify(t.findResources('AWS::IAM::Policy'))).not.toContain('sns:Publish');
    const errors = Annotations.fromStack(cn).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
    expect(errors.map((e) => e.entry.data)).toEqual([]);
  });

  it('says what to set when a China deployment has no sign-in provider or asks for SNS SMS', () => {
    expect(() => china({ 'fangfan:oidcIssuer': undefined })).toThrow(/fangfan:oidcIssuer/);
    expect(() => china({ 'fangfan:notifyChannels': ['sms'] })).toThrow(/no SMS in the China regions/);
    expect(() => china({ region: 'us-east-1' })).toThrow(/cn-north-1 or cn-northwest-1/);
    expect(() => china({ 'fangfan:notifyChannels': ['wecom'] })).toThrow(/no personal channel/);
  });
});
