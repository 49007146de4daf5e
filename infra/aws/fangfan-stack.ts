/**
 * Fangfan on AWS: one table, one bucket, the HTTP API, the functions of `infra/manifest.ts` with the
 * grants and settings derived from their entries, the two state machines, schedules, alarms and
 * secrets. Nothing names a partition, so the same app deploys to aws and aws-cn.
 *
 * Deployment settings are CDK context (`fangfan:*`, see DEPLOYMENT_SETTINGS), read here so that a
 * deployment and the local twin, which synthesizes this stack with its own context, read them alike.
 */
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, TimeZone } from 'aws-cdk-lib';
import {
  CorsHttpMethod,
  HttpApi,
  type HttpMethod,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  FilterCriteria,
  FilterRule,
  FunctionUrlAuthType,
  InvokeMode,
  StartingPosition,
} from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, EventType } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { SCAN_LINKS_PRESIGNED } from '#links/scan-links';
import { monitoringApplicationDefinition } from '#workflows/monitoring-application';
import { riskEliminationDefinition } from '#workflows/risk-elimination';
import {
  DEPLOYMENT_SETTINGS,
  type DeploymentSetting,
  FUNCTION_NAMES,
  type FunctionName,
  POLICY_SETTINGS,
  ROUTES,
  SCAN_FUNCTION,
  SECRETS,
  type SecretName,
  specOf,
  WORKFLOWS,
  type WorkflowName,
} from '../manifest.ts';
import { FangfanFunction } from './fangfan-function.ts';
import { notifyChannels } from './notify-channels.ts';
import { addOperations } from './operations.ts';
import { type Partition, staffSignIn } from './staff-sign-in.ts';

export class FangfanStack extends Stack {
  readonly functions = {} as Record<FunctionName, FangfanFunction>;
  readonly stateMachine: StateMachine;
  /** 风险消除 */
  readonly eliminationMachine: StateMachine;
  /** where failed asynchronous invocations (S3 events, schedules) land */
  readonly failedInvocations: Queue;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const context = (key: string): unknown => this.node.tryGetContext(`fangfan:${key}`);
    const setting = (name: DeploymentSetting): string | undefined => {
      const value = context(DEPLOYMENT_SETTINGS[name].context);
      if (value === undefined || value === null) return undefined;
      return typeof value === 'string' ? value : JSON.stringify(value);
    };

    const table = new Table(this, 'Table', {
      partitionKey: { name: 'PK', type: AttributeType.STRING },
      sortKey: { name: 'SK', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'ttl',
      // the outbox: each message written is handed to the sender
      stream: StreamViewType.NEW_IMAGE,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    table.addGlobalSecondaryIndex({
      indexName: 'GSI1',
      partitionKey: { name: 'GSI1PK', type: AttributeType.STRING },
      sortKey: { name: 'GSI1SK', type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });

    // personal data is sealed field by field under this key (#runtime/field-crypto): writers may
    // generate data keys, only the manifest's `reveals` functions may decrypt
    const dataKey = new Key(this, 'PersonalDataKey', {
      description: 'Fangfan personal data (ID numbers, phones, health) encrypted at the field level',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
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

    const secrets = Object.fromEntries(
      (Object.keys(SECRETS) as SecretName[]).map((name) => [
        name,
        new Secret(this, SECRETS[name].id, {
          description: SECRETS[name].description,
          generateSecretString: { excludePunctuation: true, passwordLength: 48 },
        }),
      ]),
    ) as Record<SecretName, Secret>;

    const api = new HttpApi(this, 'Api', {
      corsPreflight: {
        allowOrigins: ['*'],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT],
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

    const partition = (this.node.tryGetContext('partition') ?? 'aws') as Partition;
    if (partition !== 'aws' && partition !== 'aws-cn') throw new Error('partition must be aws or aws-cn');
    const signIn = staffSignIn(this, api, partition, {
      issuer: setting('OIDC_ISSUER'),
      audience: setting('OIDC_AUDIENCE'),
      personIdClaim: setting('PERSON_ID_CLAIM'),
    });

    this.failedInvocations = new Queue(this, 'FailedInvocations', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    // ARNs are formatted from the fixed names, so a function the workflow invokes can also answer it
    // without a dependency cycle between the machine and its function.
    const workflowArn = (w: WorkflowName) =>
      this.formatArn({
        service: 'states',
        resource: 'stateMachine',
        resourceName: `${this.stackName}-${WORKFLOWS[w].name}`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    const notify = notifyChannels(this, partition, setting);

    for (const name of FUNCTION_NAMES) {
      const spec = specOf(name);
      const environment: Record<string, string> = {};
      if (spec.table) environment.TABLE_NAME = table.tableName;
      if (spec.table === 'readWrite' || spec.reveals) environment.DATA_KEY_ARN = dataKey.keyArn;
      if (spec.bucket) environment.BUCKET_NAME = bucket.bucketName;
      for (const w of [...(spec.workflows?.starts ?? []), ...(spec.workflows?.answers ?? [])])
        environment[WORKFLOWS[w].env] = workflowArn(w);
      for (const s of spec.secrets ?? []) environment[SECRETS[s].env] = secrets[s].secretArn;
      if (spec.links) environment.PUBLIC_BASE_URL = api.apiEndpoint;
      if (spec.routes?.some((r) => r.auth === 'staff')) environment.PERSON_ID_CLAIM = signIn.personIdClaim;
      if (spec.signIn) {
        environment.STAFF_OIDC_ISSUER = signIn.issuer;
        environment.STAFF_OIDC_CLIENT_ID = signIn.audience;
      }
      if (spec.notifies) Object.assign(environment, notify.environment);
      if (spec.policy)
        for (const key of POLICY_SETTINGS) {
          const value = setting(key);
          if (value !== undefined) environment[key] = value;
        }

      const f = new FangfanFunction(
        this,
        name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase()),
        {
          name,
          spec,
          environment,
        },
      );
      this.functions[name] = f;
      if (spec.table === 'read') table.grantReadData(f);
      if (spec.table === 'readWrite') table.grantReadWriteData(f);
      if (spec.table === 'readWrite') dataKey.grant(f, 'kms:GenerateDataKey');
      if (spec.reveals) dataKey.grant(f, 'kms:Decrypt');
      for (const prefix of spec.bucket?.read ?? []) bucket.grantRead(f, `${prefix}*`);
      for (const prefix of spec.bucket?.put ?? []) bucket.grantPut(f, `${prefix}*`);
      for (const prefix of spec.bucket?.delete ?? []) bucket.grantDelete(f, `${prefix}*`);
      for (const s of spec.secrets ?? []) secrets[s].grantRead(f);
      if (spec.notifies) notify.grant(f);
      const starts = spec.workflows?.starts ?? [];
      const answers = spec.workflows?.answers ?? [];
      if (starts.length)
        f.addToRolePolicy(
          new PolicyStatement({ actions: ['states:StartExecution'], resources: starts.map(workflowArn) }),
        );
      if (answers.length)
        f.addToRolePolicy(
          new PolicyStatement({
            actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
            resources: answers.map(workflowArn),
          }),
        );
      for (const prefix of spec.s3Events ?? [])
        bucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(f), { prefix });
      if (spec.s3Events || spec.dailySchedule || spec.minuteSchedule)
        f.configureAsyncInvoke({ retryAttempts: 2, onFailure: new SqsDestination(this.failedInvocations) });
      if (spec.minuteSchedule)
        new Schedule(this, spec.minuteSchedule, {
          schedule: ScheduleExpression.rate(Duration.minutes(1)),
          target: new LambdaInvoke(f, { retryAttempts: 0 }),
        });
      if (spec.messageStream)
        f.addEventSource(
          new DynamoEventSource(table, {
            startingPosition: StartingPosition.TRIM_HORIZON,
            batchSize: 20,
            maxBatchingWindow: Duration.seconds(1),
            parallelizationFactor: 4,
            // a failed record is retried alone (partial batch responses, bisection), then parked
            reportBatchItemFailures: true,
            bisectBatchOnError: true,
            retryAttempts: 5,
            onFailure: new SqsDlq(this.failedInvocations),
            filters: [MESSAGES_TO_SEND],
          }),
        );
      if (spec.dailySchedule)
        new Schedule(this, spec.dailySchedule, {
          schedule: ScheduleExpression.cron({ minute: '0', hour: '8', timeZone: TimeZone.ASIA_SHANGHAI }),
          target: new LambdaInvoke(f, { retryAttempts: 2, deadLetterQueue: this.failedInvocations }),
        });
    }

    const logs = new LogGroup(this, 'WorkflowLogs', { retention: RetentionDays.SIX_MONTHS });
    const workflowProps = {
      humanSteps: this.functions['human-steps'],
      workflowSteps: this.functions['workflow-steps'],
      systemEntryBatch: this.functions['system-entry-batch'],
      approvalTimeout: days(context('approvalTimeoutDays')),
    };
    const machine = (w: WorkflowName, definition: DefinitionBody) =>
      new StateMachine(this, WORKFLOWS[w].name, {
        stateMachineName: `${this.stackName}-${WORKFLOWS[w].name}`,
        stateMachineType: StateMachineType.STANDARD,
        definitionBody: definition,
        tracingEnabled: true,
        logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
      });
    this.stateMachine = machine(
      'monitoringApplication',
      DefinitionBody.fromChainable(
        monitoringApplicationDefinition(this, {
          ...workflowProps,
          commitmentTimeout: days(context('commitmentTimeoutDays')),
        }),
      ),
    );
    this.eliminationMachine = machine(
      'riskElimination',
      DefinitionBody.fromChainable(
        riskEliminationDefinition(new Construct(this, 'RiskEliminationStates'), workflowProps),
      ),
    );

    // 承诺书扫描件 are streamed from the scan function's own URL (a 10 MiB scan is over the API's 6 MB,
    // and only a function can add nosniff); the approval pages link to it. Ningxia (cn-northwest-1)
    // offers no function URLs: there the approval pages presign the object with its checked type as a
    // download (S3 cannot add nosniff), so the page's function reads the scans itself.
    const functionUrls = Stack.of(this).region !== 'cn-northwest-1';
    let scanUrl: string = SCAN_LINKS_PRESIGNED;
    if (functionUrls) {
      for (const name of FUNCTION_NAMES.filter((n) => specOf(n).functionUrl)) {
        const url = this.functions[name].addFunctionUrl({
          authType: FunctionUrlAuthType.NONE,
          invokeMode: InvokeMode.RESPONSE_STREAM,
        });
        if (name === SCAN_FUNCTION) scanUrl = url.url;
      }
    }
    for (const name of FUNCTION_NAMES)
      if (specOf(name).scanLinks) {
        this.functions[name].addEnvironment('COMMITMENT_SCAN_URL', scanUrl);
        if (!functionUrls)
          for (const prefix of specOf(SCAN_FUNCTION).bucket?.read ?? [])
            bucket.grantRead(this.functions[name], `${prefix}*`);
      }

    const authorizer = signIn.authorizer;
    for (const route of ROUTES) {
      api.addRoutes({
        path: route.path,
        methods: [route.method as HttpMethod],
        integration: new HttpLambdaIntegration(`${route.method}${route.path}`, this.functions[route.fn]),
        ...(route.auth === 'staff' ? { authorizer } : {}),
      });
    }

    addOperations(this, {
      api,
      table,
      functions: this.functions,
      machines: [this.stateMachine, this.eliminationMachine],
      failedInvocations: this.failedInvocations,
      alarmEmails: (context('alarmEmails') as string[] | undefined) ?? [],
    });

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint });
    new CfnOutput(this, 'CommitmentScanUrl', { value: scanUrl });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'PersonalDataKeyArn', { value: dataKey.keyArn });
    new CfnOutput(this, 'HotlineSecretArn', { value: secrets.hotline.secretArn });
    new CfnOutput(this, 'MiniProgramSecretArn', { value: secrets.miniProgram.secretArn });
  }
}

/** the stream records the sender is invoked for: messages written or handed on, still to send */
const MESSAGES_TO_SEND = FilterCriteria.filter({
  eventName: FilterRule.or('INSERT', 'MODIFY'),
  dynamodb: {
    NewImage: { type: { S: FilterRule.isEqual('MESSAGE') }, status: { S: FilterRule.isEqual('PENDING') } },
  },
});

const days = (value: unknown) => (value === undefined ? undefined : Duration.days(Number(value)));

/** The region a partition deploys to: aws-cn defaults to Ningxia; aws stays region-agnostic. */
export function stackEnvironment(scope: Construct): { region?: string } | undefined {
  const partition = scope.node.tryGetContext('partition') ?? 'aws';
  const region = scope.node.tryGetContext('region') as string | undefined;
  if (partition === 'aws-cn') {
    const chosen = region ?? 'cn-northwest-1';
    if (!/^cn-(north|northwest)-1$/.test(chosen))
      throw new Error(`partition aws-cn deploys to cn-north-1 or cn-northwest-1, not ${chosen}`);
    return { region: chosen };
  }
  return region ? { region } : undefined;
}
