/**
 * What the local twin takes from the synthesized CDK app, so that it runs what AWS runs: each state
 * machine's ASL, and for each function its handler, its environment and its role's IAM policies, with
 * every CloudFormation reference resolved to the local resource it stands for.
 *
 * The app is synthesized with cdk.json's context, overridden by the deployment settings found in the
 * environment (DEPLOYMENT_SETTINGS: `CHAIN_CONFIG=… npm start` works as `-c fangfan:chainConfig=…`).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FangfanStack } from '../aws/fangfan-stack.ts';
import { DEPLOYMENT_SETTINGS, type FunctionName } from '../manifest.ts';

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'local';
export const LOCAL_TABLE = 'fangfan';
export const LOCAL_BUCKET = 'fangfan-documents';
export const API_ENDPOINT_PLACEHOLDER = '{{local-api-endpoint}}';
/** a function URL, known once the gateway listens: `{{local-function-url:<function logical id>}}` */
export const functionUrlPlaceholder = (functionLogicalId: string) =>
  `{{local-function-url:${functionLogicalId}}}`;
/** the sign-in issuer of a deployment whose staff use Cognito: locally, the person-id login */
export const LOCAL_SIGN_IN = 'local';
export const localFunctionArn = (logicalId: string) =>
  `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${logicalId}`;

export interface PolicyDocument {
  Version?: string;
  Statement: Record<string, unknown>[];
}

export interface LocalFunction {
  name: FunctionName;
  logicalId: string;
  arn: string;
  roleArn: string;
  entry: string;
  /** `AWS::Lambda::Function` Environment.Variables, resolved (the API endpoint as a placeholder) */
  environment: Record<string, string>;
  /** the identity policies attached to its role, resolved */
  policies: { name: string; document: PolicyDocument }[];
  memorySize: number;
  timeoutSeconds: number;
}

/** a Lambda event source mapping on the table's stream, as synthesized */
export interface StreamConsumer {
  logicalId: string;
  functionName: FunctionName;
  batchSize: number;
  startingPosition: string;
  maximumRetryAttempts: number;
  bisect: boolean;
  reportBatchItemFailures: boolean;
  /** the filter criteria's patterns */
  filters: Record<string, any>[];
}

export interface LocalDefinitions {
  machines: { arn: string; name: string; definition: Record<string, any> }[];
  functions: LocalFunction[];
  /** resource policy of the documents bucket */
  bucketPolicy?: PolicyDocument;
  /** each KMS key's ARN and key policy (KMS needs the key policy to allow, as AWS does) */
  keys: { arn: string; policy: PolicyDocument }[];
  /** what the HTTP API's JWT authorizer trusts (`local` for Cognito: the twin's person-id login) */
  staffAuthorizer: { issuer: string; audience: string[] };
  streamConsumers: StreamConsumer[];
  functionUrls: FunctionUrl[];
}

/** an `AWS::Lambda::Url`, with whether the function's resource policy lets anyone call it */
export interface FunctionUrl {
  functionName: FunctionName;
  authType: 'NONE' | 'AWS_IAM';
  invokeMode: 'BUFFERED' | 'RESPONSE_STREAM';
  /**
   * both permissions a public URL needs: lambda:InvokeFunctionUrl (auth type NONE) and
   * lambda:InvokeFunction invoked via the function URL, each to `*`
   */
  public: boolean;
}

/** The deployment's context: cdk.json's, then what the environment sets. */
export function localContext(env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(fileURLToPath(new URL('../../cdk.json', import.meta.url)), 'utf8'));
  const context: Record<string, unknown> = { ...cdkJson.context };
  for (const [variable, setting] of Object.entries(DEPLOYMENT_SETTINGS)) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    context[`fangfan:${setting.context}`] = setting.json ? JSON.parse(raw) : raw;
  }
  return context;
}

type Resources = Record<string, { Type: string; Properties?: Record<string, any> }>;

/** Resolves CloudFormation intrinsics to local values. */
function resolver(resources: Resources, documentsBucketId: string) {
  const arnOf = (id: string): string => {
    const r = resources[id];
    switch (r?.Type) {
      case 'AWS::DynamoDB::Table':
        return `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${LOCAL_TABLE}`;
      case 'AWS::S3::Bucket':
        return `arn:aws:s3:::${refOf(id)}`;
      case 'AWS::Lambda::Function':
        return localFunctionArn(id);
      case 'AWS::IAM::Role':
        return `arn:aws:iam::${LOCAL_ACCOUNT}:role/${id}`;
      case 'AWS::KMS::Key':
        return `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT}:key/${id}`;
      case 'AWS::SQS::Queue':
        return `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${id}`;
      case 'AWS::SNS::Topic':
      case 'AWS::SecretsManager::Secret':
      case 'AWS::StepFunctions::StateMachine':
        return refOf(id);
      default:
        throw new Error(`no local ARN for ${id} (${r?.Type})`);
    }
  };
  const refOf = (id: string): string => {
    switch (id) {
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::Region':
        return LOCAL_REGION;
      case 'AWS::AccountId':
        return LOCAL_ACCOUNT;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return 'Fangfan';
    }
    const r = resources[id];
    switch (r?.Type) {
      case 'AWS::DynamoDB::Table':
        return LOCAL_TABLE;
      case 'AWS::S3::Bucket':
        return id === documentsBucketId ? LOCAL_BUCKET : `fangfan-${id.toLowerCase()}`;
      case 'AWS::SecretsManager::Secret':
        return `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT}:secret:${id}`;
      case 'AWS::StepFunctions::StateMachine':
        return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${r.Properties!.StateMachineName}`;
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${id}`;
      case 'AWS::Lambda::Function':
      case 'AWS::KMS::Key':
        return id;
      case 'AWS::ApiGatewayV2::Api':
        return 'local';
      case 'AWS::Cognito::UserPoolClient':
      case 'AWS::Cognito::UserPool':
        return LOCAL_SIGN_IN;
      default:
        throw new Error(`no local value for Ref ${id} (${r?.Type})`);
    }
  };
  const isApi = (v: unknown) =>
    typeof v === 'object' &&
    v !== null &&
    resources[(v as { Ref?: string }).Ref ?? '']?.Type === 'AWS::ApiGatewayV2::Api';
  const resolve = (value: unknown): unknown => {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
    if (Array.isArray(value)) return value.map(resolve);
    const v = value as Record<string, any>;
    if (v['Fn::Join']) {
      const parts = v['Fn::Join'][1] as unknown[];
      if (parts.some(isApi)) return API_ENDPOINT_PLACEHOLDER;
      return parts.map((part) => String(resolve(part))).join(v['Fn::Join'][0]);
    }
    if (v['Fn::GetAtt']) {
      const [id, attribute] = v['Fn::GetAtt'] as [string, string];
      if (attribute === 'Arn') return arnOf(id);
      // the stream is read by the twin's poller (as by Lambda's), not by the function
      if (attribute === 'StreamArn') return `${arnOf(id)}/stream/local`;
      // the HTTP API's URL is the gateway's: known only once the gateway listens
      if (attribute === 'ApiEndpoint') return API_ENDPOINT_PLACEHOLDER;
      // a function URL is served by the gateway too, under its own path
      if (attribute === 'FunctionUrl' && resources[id]?.Type === 'AWS::Lambda::Url')
        return functionUrlPlaceholder(resources[id]!.Properties!.TargetFunctionArn['Fn::GetAtt'][0]);
      // the twin stands in for Cognito managed login with its person-id login
      if (attribute === 'ProviderURL' && resources[id]?.Type === 'AWS::Cognito::UserPool')
        return LOCAL_SIGN_IN;
      throw new Error(`cannot resolve Fn::GetAtt ${id}.${attribute}`);
    }
    if (v.Ref) return refOf(v.Ref);
    return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, resolve(inner)]));
  };
  return resolve;
}

/** Synthesizes the stack without bundling (~1 s) and reads what the twin needs. */
export function synthesizeLocalDefinitions(env: NodeJS.ProcessEnv = process.env): LocalDefinitions {
  const app = new App({ context: { ...localContext(env), 'aws:cdk:bundling-stacks': [] } });
  const stack = new FangfanStack(app, 'Fangfan');
  const resources = Template.fromStack(stack).toJSON().Resources as Resources;
  const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as never);
  const bucketId = logicalId(stack.node.findChild('Documents') as never);
  const resolve = resolver(resources, bucketId);

  const policiesOf = (roleId: string) =>
    Object.entries(resources)
      .filter(
        ([, r]) =>
          r.Type === 'AWS::IAM::Policy' &&
          (r.Properties!.Roles as { Ref: string }[]).some((role) => role.Ref === roleId),
      )
      .map(([id, r]) => ({ name: id, document: resolve(r.Properties!.PolicyDocument) as PolicyDocument }));

  const functions = Object.values(stack.functions).map((fn): LocalFunction => {
    const id = logicalId(fn);
    const props = resources[id]!.Properties!;
    const roleId = (props.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    return {
      name: fn.functionKey,
      logicalId: id,
      arn: localFunctionArn(id),
      roleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${roleId}`,
      entry: fn.entryPath,
      environment: resolve(props.Environment?.Variables ?? {}) as Record<string, string>,
      policies: policiesOf(roleId),
      memorySize: Number(props.MemorySize ?? 128),
      timeoutSeconds: Number(props.Timeout ?? 3),
    };
  });
  const machines = [stack.stateMachine, stack.eliminationMachine].map((machine) => {
    const id = logicalId(machine);
    const props = resources[id]!.Properties!;
    return {
      arn: String(resolve({ Ref: id })),
      name: String(props.StateMachineName),
      definition: JSON.parse(String(resolve(props.DefinitionString))),
    };
  });
  const bucketPolicy = Object.values(resources).find(
    (r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties!.Bucket?.Ref === bucketId,
  );
  const authorizer = Object.values(resources).find(
    (r) => r.Type === 'AWS::ApiGatewayV2::Authorizer' && r.Properties!.AuthorizerType === 'JWT',
  )!;
  const jwt = resolve(authorizer.Properties!.JwtConfiguration) as { Issuer: string; Audience: string[] };
  const streamConsumers = Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::EventSourceMapping')
    .map(([id, r]): StreamConsumer => {
      const p = r.Properties!;
      const target = (p.FunctionName as { Ref: string }).Ref;
      const fn = functions.find((f) => f.logicalId === target);
      if (!fn) throw new Error(`event source mapping ${id} targets no known function`);
      return {
        logicalId: id,
        functionName: fn.name,
        batchSize: Number(p.BatchSize ?? 100),
        startingPosition: String(p.StartingPosition ?? 'LATEST'),
        maximumRetryAttempts: Number(p.MaximumRetryAttempts ?? 10_000),
        bisect: Boolean(p.BisectBatchOnFunctionError),
        reportBatchItemFailures: ((p.FunctionResponseTypes ?? []) as string[]).includes(
          'ReportBatchItemFailures',
        ),
        filters: ((p.FilterCriteria?.Filters ?? []) as { Pattern: string }[]).map((f) =>
          JSON.parse(f.Pattern),
        ),
      };
    });
  const keys = Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::KMS::Key')
    .map(([id, r]) => ({
      arn: String(resolve({ 'Fn::GetAtt': [id, 'Arn'] })),
      policy: resolve(r.Properties!.KeyPolicy) as PolicyDocument,
    }));
  const permissions = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Permission');
  const allows = (fnId: string, action: string, condition: (p: Record<string, any>) => boolean) =>
    permissions.some(
      ({ Properties: p }) =>
        p!.Action === action &&
        p!.Principal === '*' &&
        p!.FunctionName?.['Fn::GetAtt']?.[0] === fnId &&
        condition(p!),
    );
  const functionUrls = Object.values(resources)
    .filter((r) => r.Type === 'AWS::Lambda::Url')
    .map(({ Properties: p }): FunctionUrl => {
      const target = p!.TargetFunctionArn['Fn::GetAtt'][0] as string;
      const fn = functions.find((f) => f.logicalId === target);
      if (!fn) throw new Error(`function URL targets no known function ${target}`);
      return {
        functionName: fn.name,
        authType: p!.AuthType,
        invokeMode: p!.InvokeMode ?? 'BUFFERED',
        public:
          allows(target, 'lambda:InvokeFunctionUrl', (q) => q.FunctionUrlAuthType === 'NONE') &&
          allows(target, 'lambda:InvokeFunction', (q) => q.InvokedViaFunctionUrl === true),
      };
    });
  return {
    keys,
    functionUrls,
    streamConsumers,
    machines,
    functions,
    staffAuthorizer: { issuer: jwt.Issuer, audience: jwt.Audience },
    bucketPolicy: bucketPolicy
      ? (resolve(bucketPolicy.Properties!.PolicyDocument) as PolicyDocument)
      : undefined,
  };
}
