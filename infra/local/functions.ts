/**
 * The functions of the local twin, each as Lambda would run it: its handler invoked with exactly the
 * environment synthesized for it, plus what the Lambda runtime adds (region, function name, the
 * role's credentials) and where the local services listen (`AWS_ENDPOINT_URL_*`). They share one
 * process, so `process.env` is made to answer from the current invocation's environment, and
 * per-container state (`#runtime/container`) is kept per function.
 *
 * Outside an invocation (the engine, the seed, `/_local/*`) the environment is the twin's own, which
 * signs as the service, as AWS's own machinery would act.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomBytes } from 'node:crypto';
import { registerContainerScope } from '#runtime/container';
import type { FunctionName } from '../manifest.ts';
import { API_ENDPOINT_PLACEHOLDER, LOCAL_REGION, type LocalFunction } from './definitions.ts';
import type { Caller } from './iam.ts';
import { installResponseStreaming, isStreaming, type ResponseSink } from './response-streaming.ts';

type Env = Record<string, string | undefined>;
type Handler = (event: unknown, context: unknown) => Promise<unknown>;

/** Variables of the twin's own environment that its test hooks read inside functions. */
const TWIN_HOOKS = ['FANGFAN_FAULTS', 'POWERTOOLS_LOG_LEVEL', 'PATH', 'HOME', 'LANG'];

const scope = new AsyncLocalStorage<Env>();
let installed = false;

/** Makes `process.env` answer from the current function's environment (once per process). */
function installEnvironmentSwitch(): void {
  if (installed) return;
  installed = true;
  const base = process.env as Env;
  const current = () => scope.getStore() ?? base;
  process.env = new Proxy({} as Env, {
    get: (_, key) => (typeof key === 'string' ? current()[key] : undefined),
    set: (_, key, value) => {
      current()[String(key)] = String(value);
      return true;
    },
    has: (_, key) => typeof key === 'string' && key in current(),
    deleteProperty: (_, key) => delete current()[String(key)],
    ownKeys: () => Reflect.ownKeys(current()),
    getOwnPropertyDescriptor: (_, key) =>
      typeof key === 'string' && key in current()
        ? { value: current()[key], writable: true, enumerable: true, configurable: true }
        : undefined,
  }) as NodeJS.ProcessEnv;
  registerContainerScope(() => scope.getStore());
}

export interface LocalServices {
  dynamodb: string;
  s3: string;
  /** Step Functions, Secrets Manager and SNS */
  aws: string;
  api: string;
  /** where the gateway serves a function's URL, by the function's logical id */
  functionUrl: (logicalId: string) => string;
  /** an empty file: no developer's ~/.aws settings reach a function */
  awsConfigFile: string;
  /** the development twin's test hooks (faults, crash points); never in the production profile */
  testHooks: boolean;
}

export class LocalFunctions {
  readonly callers: Caller[];
  private readonly environments = new Map<FunctionName, Env>();
  private readonly handlers = new Map<FunctionName, Handler>();
  private readonly byArn = new Map<string, FunctionName>();

  constructor(
    readonly definitions: LocalFunction[],
    services: LocalServices,
  ) {
    installEnvironmentSwitch();
    installResponseStreaming();
    const base = process.env;
    this.callers = definitions.map((fn) => {
      const accessKeyId = `ASIA${createHash('sha256').update(fn.logicalId).digest('hex').slice(0, 16).toUpperCase()}`;
      const environment: Env = {
        ...Object.fromEntries(
          Object.entries(fn.environment).map(([k, v]) => [
            k,
            v === API_ENDPOINT_PLACEHOLDER
              ? services.api
              : v.replace(/^\{\{local-function-url:(\w+)\}\}$/, (_, id: string) => services.functionUrl(id)),
          ]),
        ),
        // what the Lambda runtime sets
        AWS_REGION: LOCAL_REGION,
        AWS_DEFAULT_REGION: LOCAL_REGION,
        AWS_LAMBDA_FUNCTION_NAME: fn.logicalId,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
        AWS_ACCESS_KEY_ID: accessKeyId,
        AWS_SECRET_ACCESS_KEY: randomBytes(20).toString('hex'),
        // where the services are: the twin's
        AWS_ENDPOINT_URL_DYNAMODB: services.dynamodb,
        AWS_ENDPOINT_URL_S3: services.s3,
        AWS_ENDPOINT_URL_SFN: services.aws,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: services.aws,
        AWS_ENDPOINT_URL_SNS: services.aws,
        AWS_ENDPOINT_URL_KMS: services.aws,
        AWS_CONFIG_FILE: services.awsConfigFile,
        AWS_SHARED_CREDENTIALS_FILE: services.awsConfigFile,
        // s3rver stores streamed uploads with their chunk framing unless checksums are off
        AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
        AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      };
      if (services.testHooks) {
        environment.FANGFAN_LOCAL = '1';
        for (const name of TWIN_HOOKS) if (base[name] !== undefined) environment[name] = base[name];
      }
      this.environments.set(fn.name, environment);
      this.byArn.set(fn.arn, fn.name);
      return { function: fn, accessKeyId };
    });
  }

  /** Loads every handler inside its own environment, so that what it checks at init is its own. */
  async load(): Promise<void> {
    for (const fn of this.definitions) {
      const handler = await scope.run(
        this.environments.get(fn.name)!,
        async () => (await import(fn.entry)).handler,
      );
      this.handlers.set(fn.name, handler as Handler);
    }
  }

  nameOf(arn: string): FunctionName | undefined {
    return this.byArn.get(arn);
  }

  has(name: string): name is FunctionName {
    return this.handlers.has(name as FunctionName);
  }

  /** One invocation, as Lambda makes it (Invoke). */
  invoke(name: FunctionName, event: unknown, context: Record<string, unknown> = {}): Promise<unknown> {
    const { handler, environment, lambdaContext } = this.prepare(name, context);
    if (isStreaming(handler)) throw new Error(`${name} streams its response: invoke it through its URL`);
    return scope.run(environment, () => handler(event, lambdaContext));
  }

  /** One invocation of a streaming handler (InvokeWithResponseStream), writing to `sink`. */
  async invokeStreaming(name: FunctionName, event: unknown, sink: ResponseSink): Promise<void> {
    const { handler, environment, lambdaContext } = this.prepare(name, {});
    if (!isStreaming(handler)) throw new Error(`${name} does not stream its response`);
    await scope.run(environment, () => handler(event, sink, lambdaContext));
    if (!sink.writableFinished) await new Promise((resolve) => sink.end(resolve));
  }

  private prepare(name: FunctionName, context: Record<string, unknown>) {
    const handler = this.handlers.get(name);
    const environment = this.environments.get(name);
    if (!handler || !environment) throw new Error(`no local function ${name}`);
    const definition = this.definitions.find((f) => f.name === name)!;
    const lambdaContext = {
      functionName: definition.logicalId,
      awsRequestId: randomBytes(16).toString('hex'),
      getRemainingTimeInMillis: () => definition.timeoutSeconds * 1000,
      ...context,
    };
    return { handler: handler as (...args: unknown[]) => Promise<unknown>, environment, lambdaContext };
  }
}
