/**
 * The state-machine definition and the function map, taken from the synthesized CDK app: the local
 * engine runs exactly the ASL that AWS runs. Function ARNs resolve to local handler modules.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FangfanStack } from '../aws/fangfan-stack.ts';

export const LOCAL_ACCOUNT = '000000000000';
export const localFunctionArn = (logicalId: string) =>
  `arn:aws:lambda:local:${LOCAL_ACCOUNT}:function:${logicalId}`;

export interface LocalDefinitions {
  /** the ASL of the monitoring application, with ARNs resolved */
  monitoringApplication: Record<string, any>;
  /** the ASL of 风险消除 */
  riskElimination: Record<string, any>;
  /** function ARN → handler module path */
  handlers: Map<string, string>;
  /** function folder name → handler module path */
  byName: Map<string, string>;
}

/** Resolves CloudFormation intrinsics in a definition string to local values. */
function resolve(value: unknown, logicalToArn: (id: string) => string): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if (v['Fn::Join'])
    return (v['Fn::Join'][1] as unknown[]).map((part) => resolve(part, logicalToArn)).join(v['Fn::Join'][0]);
  if (v['Fn::GetAtt']) return logicalToArn(v['Fn::GetAtt'][0]);
  if (v.Ref === 'AWS::Partition') return 'aws';
  if (v.Ref === 'AWS::Region') return 'local';
  if (v.Ref === 'AWS::AccountId') return LOCAL_ACCOUNT;
  if (v.Ref === 'AWS::URLSuffix') return 'amazonaws.com';
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

/** Synthesizes the stack without bundling (~1 s) and reads what the engine needs. */
export function synthesizeLocalDefinitions(): LocalDefinitions {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new FangfanStack(app, 'Fangfan');
  const template = Template.fromStack(stack).toJSON();
  const handlers = new Map<string, string>();
  const byName = new Map<string, string>();
  for (const [name, fn] of Object.entries(stack.functions)) {
    const logicalId = stack.getLogicalId(fn.node.defaultChild as never);
    handlers.set(localFunctionArn(logicalId), fn.entryPath);
    byName.set(name, fn.entryPath);
  }
  const resources = template.Resources as Record<string, any>;
  const asl = (machine: { node: { defaultChild?: unknown } }) =>
    JSON.parse(
      resolve(
        resources[stack.getLogicalId(machine.node.defaultChild as never)].Properties.DefinitionString,
        localFunctionArn,
      ),
    );
  return {
    monitoringApplication: asl(stack.stateMachine),
    riskElimination: asl(stack.eliminationMachine),
    handlers,
    byName,
  };
}
