/**
 * A `NodejsFunction` with the team's defaults: Node 22, arm64, ESM bundle, source maps, one month of
 * logs, X-Ray tracing. `bindTable` grants and injects the table in one call.
 */

import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export interface FangfanFunctionProps extends Partial<NodejsFunctionProps> {
  /** folder under `functions/` holding `handler.ts` */
  name: string;
  /** @default 10 seconds */
  timeout?: Duration;
  /** @default 512 MB */
  memorySize?: number;
}

export class FangfanFunction extends NodejsFunction {
  /** the handler module this function runs, for the local runtime */
  readonly entryPath: string;

  constructor(scope: Construct, id: string, props: FangfanFunctionProps) {
    const entry = fileURLToPath(new URL(`../../functions/${props.name}/handler.ts`, import.meta.url));
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH });
    super(scope, id, {
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      timeout: props.timeout ?? Duration.seconds(10),
      memorySize: props.memorySize ?? 512,
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      entry,
      handler: 'handler',
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        target: 'node22',
        // The AWS SDK comes with the Node 22 runtime; an ESM bundle still needs `require` for bundled CommonJS code.
        banner: "import { createRequire } from 'module';const require = createRequire(import.meta.url);",
      },
      ...props,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'fangfan',
        ...props.environment,
      },
    });
    this.entryPath = entry;
  }

  bindTable(table: ITable, access: 'read' | 'readWrite'): this {
    if (access === 'read') table.grantReadData(this);
    else table.grantReadWriteData(this);
    this.addEnvironment('TABLE_NAME', table.tableName);
    return this;
  }
}
