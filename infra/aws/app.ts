/**
 * The CDK app: `npx cdk synth` works offline; cdk-nag's AwsSolutions checks run on every synth. The
 * deployment's settings are its context (cdk.json, `-c fangfan:…`), read by the stack itself;
 * `-c partition=aws-cn` synthesizes for the China regions (cn-northwest-1, or `-c region=cn-north-1`).
 */
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FangfanStack, stackEnvironment } from './fangfan-stack.ts';
import { acknowledgeNagFindings } from './nag.ts';

const app = new App();
const stack = new FangfanStack(app, 'Fangfan', { env: stackEnvironment(app) });
acknowledgeNagFindings(stack);
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
app.synth();
