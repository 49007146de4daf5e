/** The CDK app: `npx cdk synth` works offline; cdk-nag's AwsSolutions checks run on every synth. */
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FangfanStack } from './fangfan-stack.ts';
import { acknowledgeNagFindings } from './nag.ts';

const app = new App();
const stack = new FangfanStack(app, 'Fangfan', {
  chainConfig: app.node.tryGetContext('fangfan:chainConfig'),
});
acknowledgeNagFindings(stack);
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
app.synth();
