/** The CDK app: `npx cdk synth` works offline; cdk-nag's AwsSolutions checks run on every synth. */
import { App, Aspects, Duration } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FangfanStack } from './fangfan-stack.ts';
import { acknowledgeNagFindings } from './nag.ts';

const app = new App();
const days = (value: unknown) => (value === undefined ? undefined : Duration.days(Number(value)));
const stack = new FangfanStack(app, 'Fangfan', {
  chainConfig: app.node.tryGetContext('fangfan:chainConfig'),
  approvalTimeout: days(app.node.tryGetContext('fangfan:approvalTimeoutDays')),
  commitmentTimeout: days(app.node.tryGetContext('fangfan:commitmentTimeoutDays')),
  escalations: app.node.tryGetContext('fangfan:escalations'),
});
acknowledgeNagFindings(stack);
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
app.synth();
