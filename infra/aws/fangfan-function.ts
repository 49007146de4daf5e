/**
 * A `NodejsFunction` with the team's defaults: Node 24, arm64, ESM bundle, source maps, one month of
 * logs, X-Ray tracing. What it may touch and what it is told come from its manifest entry
 * (`infra/manifest.ts`), applied by the stack.
 */

import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { type FunctionName, type FunctionSpec, requiredSettings } from '../manifest.ts';

export interface FangfanFunctionProps {
  /** folder under `functions/` holding `handler.ts` */
  name: FunctionName;
  spec: FunctionSpec;
  environment: Record<string, string>;
}

export class FangfanFunction extends NodejsFunction {
  /** the handler module this function runs, for the local runtime */
  readonly entryPath: string;
  readonly functionKey: FunctionName;

  constructor(scope: Construct, id: string, props: FangfanFunctionProps) {
    const entry = fileURLToPath(new URL(`../../functions/${props.name}/handler.ts`, import.meta.url));
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH });
    super(scope, id, {
      description: props.spec.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      timeout: Duration.seconds(props.spec.timeoutSeconds ?? 10),
      memorySize: props.spec.memorySize ?? 512,
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      entry,
      handler: 'handler',
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        target: 'node24',
        // The AWS SDK comes with the runtime; an ESM bundle still needs `require` for bundled CommonJS code.
        banner: "import { createRequire } from 'module';const require = createRequire(import.meta.url);",
      },
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'fangfan',
        POWERTOOLS_METRICS_NAMESPACE: 'Fangfan',
        FANGFAN_FUNCTION: props.name,
        // what it checks at init: every setting its manifest entry derives
        FANGFAN_SETTINGS: requiredSettings(props.spec).join(','),
        ...props.environment,
      },
    });
    this.entryPath = entry;
    this.functionKey = props.name;
  }
}
