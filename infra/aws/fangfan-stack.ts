/**
 * Fangfan on AWS: one table, one bucket, the HTTP API, a function per handler, the monitoring
 * application state machine, alarms and secrets. Nothing names a partition, so the same app deploys
 * to aws and aws-cn.
 */
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, TimeZone } from 'aws-cdk-lib';
import {
  CorsHttpMethod,
  HttpApi,
  type HttpMethod,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { AccountRecovery, StringAttribute, UserPool } from 'aws-cdk-lib/aws-cognito';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, EventType } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { monitoringApplicationDefinition } from '#workflows/monitoring-application';
import { riskEliminationDefinition } from '#workflows/risk-elimination';
import { FangfanFunction } from './fangfan-function.ts';
import { ROUTES } from './routes.ts';

export { ROUTES };

export interface FangfanStackProps extends StackProps {
  /** 村民小组评议 per district, e.g. `{"default": {"groupReview": true}}` */
  chainConfig?: Record<string, { groupReview: boolean }>;
  /** how long one approval attempt waits before a reminder (default 3 days) */
  approvalTimeout?: Duration;
  /** how long the applicant has for the signed commitment before a reminder (default 7 days) */
  commitmentTimeout?: Duration;
  /** reminders and escalations before a step lapses (default 2: a reminder, then the level above) */
  escalations?: number;
}

export class FangfanStack extends Stack {
  readonly functions: Record<string, FangfanFunction> = {};
  readonly stateMachine: StateMachine;
  /** 风险消除 */
  readonly eliminationMachine: StateMachine;

  constructor(scope: Construct, id: string, props: FangfanStackProps = {}) {
    super(scope, id, props);

    const table = new Table(this, 'Table', {
      partitionKey: { name: 'PK', type: AttributeType.STRING },
      sortKey: { name: 'SK', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'ttl',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    table.addGlobalSecondaryIndex({
      indexName: 'GSI1',
      partitionKey: { name: 'GSI1PK', type: AttributeType.STRING },
      sortKey: { name: 'GSI1SK', type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });

    const accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const bucket = new Bucket(this, 'Documents', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'documents/',
      lifecycleRules: [
        {
          prefix: 'quarantine/',
          expiration: Duration.days(30),
          noncurrentVersionExpiration: Duration.days(30),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const generated = (id: string, description: string) =>
      new Secret(this, id, {
        description,
        generateSecretString: { excludePunctuation: true, passwordLength: 48 },
      });
    const masterKey = generated(
      'Keys',
      'Fangfan master key: approval links, ID-number HMACs (derived with HKDF)',
    );
    const hotlineSecret = generated(
      'HotlineWebhookSecret',
      'Webhook secret of the 12317 hotline channel (give to the vendor)',
    );
    const miniProgramSecret = generated(
      'MiniProgramWebhookSecret',
      'Webhook secret of the mini-program channel (give to its back end)',
    );
    const secrets = [masterKey, hotlineSecret, miniProgramSecret];

    const userPool = new UserPool(this, 'Staff', {
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
      // the staff API reads the directory person behind a login from this claim (custom:personId)
      customAttributes: { personId: new StringAttribute({ mutable: true, minLen: 1, maxLen: 64 }) },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const client = userPool.addClient('StaffConsole');

    const api = new HttpApi(this, 'Api', {
      corsPreflight: {
        allowOrigins: ['*'],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST],
        allowHeaders: ['*'],
      },
      createDefaultStage: false,
    });
    const apiLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH });
    new HttpStage(this, 'DefaultStage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: { destination: new LogGroupLogDestination(apiLogs) },
    });

    const common = {
      BUCKET_NAME: bucket.bucketName,
      KEYS_SECRET_ARN: masterKey.secretArn,
      HOTLINE_SECRET_ARN: hotlineSecret.secretArn,
      MINIPROGRAM_SECRET_ARN: miniProgramSecret.secretArn,
      PUBLIC_BASE_URL: api.apiEndpoint,
      CHAIN_CONFIG: JSON.stringify(props.chainConfig ?? { default: { groupReview: true } }),
      ESCALATIONS: String(props.escalations ?? 2),
    };
    const fn = (
      name: string,
      extra: Record<string, string> = {},
      readsSecrets = true,
      size: { memorySize?: number; timeout?: Duration } = {},
    ) => {
      const f = new FangfanFunction(
        this,
        name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase()),
        {
          name,
          environment: { ...common, ...extra },
          ...size,
        },
      );
      if (readsSecrets) for (const secret of secrets) secret.grantRead(f);
      this.functions[name] = f;
      return f;
    };

    const submit = fn('submit-application').bindTable(table, 'readWrite');
    const commitmentUrl = fn('issue-commitment-url').bindTable(table, 'readWrite');
    fn('lodge-objection').bindTable(table, 'readWrite');
    const uploaded = fn('commitment-uploaded').bindTable(table, 'readWrite');
    const approvals = fn('approval-link').bindTable(table, 'readWrite');
    fn('staff-api').bindTable(table, 'read');
    fn('openapi', {}, false);
    const humanSteps = fn('human-steps').bindTable(table, 'readWrite');
    const workflowSteps = fn('workflow-steps', { CALENDAR_DATA: '{}' }).bindTable(table, 'readWrite');
    const households = fn('households-api').bindTable(table, 'readWrite');
    // a 10,000-household import parses, hashes and writes in one call
    fn('registry-files', {}, true, { memorySize: 1024, timeout: Duration.seconds(29) }).bindTable(
      table,
      'readWrite',
    );
    const cadreRecords = fn('cadre-records').bindTable(table, 'readWrite');
    bucket.grantPut(cadreRecords, 'commitments/*');
    const batches = fn('system-entry-batch').bindTable(table, 'readWrite');
    bucket.grantPut(batches, 'system-entry/*');
    bucket.grantRead(approvals, 'system-entry/*');
    const daily = (id: string, f: FangfanFunction) =>
      new Schedule(this, id, {
        schedule: ScheduleExpression.cron({ minute: '0', hour: '8', timeZone: TimeZone.ASIA_SHANGHAI }),
        target: new LambdaInvoke(f, { retryAttempts: 2 }),
      });
    // 跟踪走访 overdue households, and 整改时限 reminders and escalations: once a day, 08:00 Beijing time
    daily('DailyVisitWatch', fn('visit-watch').bindTable(table, 'readWrite'));
    daily('DailyDeadlineWatch', fn('deadline-watch').bindTable(table, 'readWrite'));
    const intake = fn('inspection-intake').bindTable(table, 'readWrite');
    bucket.grantPut(intake, 'commitments/*');
    const campaigns = fn('campaign-api').bindTable(table, 'readWrite');
    bucket.grantPut(campaigns, 'export-requests/*');
    bucket.grantRead(campaigns, 'exports/*');
    const exportBuilder = fn('export-builder', {}, true, {
      memorySize: 1024,
      timeout: Duration.minutes(5),
    }).bindTable(table, 'readWrite');
    bucket.grantPut(exportBuilder, 'exports/*');
    bucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(exportBuilder), {
      prefix: 'export-requests/',
    });
    fn('console', {}, false);
    for (const f of [submit, commitmentUrl]) bucket.grantPut(f, 'commitments/*');
    bucket.grantRead(uploaded, 'commitments/*');
    bucket.grantDelete(uploaded, 'commitments/*');
    bucket.grantPut(uploaded, 'quarantine/*');
    bucket.grantRead(approvals, 'commitments/*');
    bucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(uploaded), {
      prefix: 'commitments/',
    });

    const logs = new LogGroup(this, 'WorkflowLogs', { retention: RetentionDays.SIX_MONTHS });
    const stateMachineName = `${this.stackName}-MonitoringApplication`;
    this.stateMachine = new StateMachine(this, 'MonitoringApplication', {
      stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(
        monitoringApplicationDefinition(this, {
          humanSteps,
          workflowSteps,
          systemEntryBatch: batches,
          approvalTimeout: props.approvalTimeout,
          commitmentTimeout: props.commitmentTimeout,
        }),
      ),
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
    });
    const eliminationMachineName = `${this.stackName}-RiskElimination`;
    this.eliminationMachine = new StateMachine(this, 'RiskElimination', {
      stateMachineName: eliminationMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(
        riskEliminationDefinition(new Construct(this, 'RiskEliminationStates'), {
          humanSteps,
          workflowSteps,
          systemEntryBatch: batches,
          approvalTimeout: props.approvalTimeout,
        }),
      ),
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
    });
    this.eliminationMachine.grantStartExecution(households);
    this.eliminationMachine.grantTaskResponse(approvals);
    this.stateMachine.grantStartExecution(submit);
    this.stateMachine.grantTaskResponse(approvals);
    this.stateMachine.grantTaskResponse(uploaded);
    // The steps' own function answers its task token when a decision was already recorded; naming the
    // ARN (rather than referencing the machine) avoids a cycle between the machine and its function.
    humanSteps.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
        resources: [stateMachineName, eliminationMachineName].map((resourceName) =>
          this.formatArn({
            service: 'states',
            resource: 'stateMachine',
            resourceName,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ),
      }),
    );
    this.stateMachine.grantStartExecution(cadreRecords);
    this.stateMachine.grantStartExecution(intake);
    for (const f of [submit, uploaded, approvals, cadreRecords, intake])
      f.addEnvironment('STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);
    for (const f of [households])
      f.addEnvironment('ELIMINATION_STATE_MACHINE_ARN', this.eliminationMachine.stateMachineArn);

    const authorizer = new HttpUserPoolAuthorizer('StaffAuthorizer', userPool, { userPoolClients: [client] });
    for (const route of ROUTES) {
      api.addRoutes({
        path: route.path,
        methods: [route.method as HttpMethod],
        integration: new HttpLambdaIntegration(`${route.method}${route.path}`, this.functions[route.fn]!),
        ...(route.auth === 'staff' ? { authorizer } : {}),
      });
    }

    for (const [name, metric] of [
      ['ExecutionsFailed', this.stateMachine.metricFailed()],
      ['ExecutionsTimedOut', this.stateMachine.metricTimedOut()],
      ['ExecutionsAborted', this.stateMachine.metricAborted()],
      ['EliminationExecutionsFailed', this.eliminationMachine.metricFailed()],
      ['EliminationExecutionsTimedOut', this.eliminationMachine.metricTimedOut()],
    ] as const) {
      new Alarm(this, name, {
        metric: metric.with({ period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint });
    new CfnOutput(this, 'HotlineSecretArn', { value: hotlineSecret.secretArn });
    new CfnOutput(this, 'MiniProgramSecretArn', { value: miniProgramSecret.secretArn });
    new CfnOutput(this, 'StaffUserPoolId', { value: userPool.userPoolId });
  }
}
