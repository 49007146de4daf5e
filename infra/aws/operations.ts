/**
 * What the engineer on call watches: an alarm on every way Fangfan can fail unseen (function errors
 * and throttles, HTTP 5xx, table throttles, workflow executions failed / timed out / aborted, failed
 * asynchronous invocations waiting in their queue), each notifying one SNS topic whose e-mail
 * subscriptions are a deployment setting (`fangfan:alarmEmails`), and one dashboard with the figures
 * a district watches (applications received, decisions, lapses, overdue steps).
 */
import { Duration, type Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Operation, type Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { DISTRICT_METRICS, METRICS_NAMESPACE, UNDELIVERABLE } from '#runtime/metric-names';

export interface OperationsProps {
  api: HttpApi;
  table: Table;
  functions: Record<string, LambdaFunction>;
  machines: StateMachine[];
  failedInvocations: Queue;
  alarmEmails: string[];
}

export function addOperations(stack: Stack, props: OperationsProps): void {
  const topic = new Topic(stack, 'Alarms', { displayName: 'Fangfan alarms', enforceSSL: true });
  for (const email of props.alarmEmails) topic.addSubscription(new EmailSubscription(email));
  const action = new SnsAction(topic);
  const alarm = (id: string, metric: IMetric, description: string) =>
    new Alarm(stack, id, {
      alarmDescription: description,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(action);
  const period = Duration.minutes(5);

  for (const [name, f] of Object.entries(props.functions)) {
    const id = name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());
    alarm(`${id}Errors`, f.metricErrors({ period }), `${name}: invocations that failed`);
    alarm(`${id}Throttles`, f.metricThrottles({ period }), `${name}: invocations throttled`);
  }
  alarm('ApiServerErrors', props.api.metricServerError({ period }), 'HTTP API answered 5xx');
  alarm(
    'TableThrottles',
    props.table.metricThrottledRequestsForOperations({
      operations: [
        Operation.GET_ITEM,
        Operation.PUT_ITEM,
        Operation.UPDATE_ITEM,
        Operation.DELETE_ITEM,
        Operation.QUERY,
        Operation.TRANSACT_WRITE_ITEMS,
        Operation.BATCH_WRITE_ITEM,
      ],
      period,
    }),
    'DynamoDB throttled requests to the table',
  );
  for (const machine of props.machines) {
    const id = machine.node.id;
    alarm(`${id}ExecutionsFailed`, machine.metricFailed({ period }), `${id}: executions failed`);
    alarm(`${id}ExecutionsTimedOut`, machine.metricTimedOut({ period }), `${id}: executions timed out`);
    alarm(`${id}ExecutionsAborted`, machine.metricAborted({ period }), `${id}: executions aborted`);
  }
  alarm(
    'FailedInvocationsWaiting',
    props.failedInvocations.metricApproximateNumberOfMessagesVisible({ period }),
    'S3 events or schedules that failed every retry wait in the FailedInvocations queue',
  );

  const district = (metricName: string, every = Duration.days(1)) =>
    new Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: 'fangfan' },
      statistic: 'Sum',
      period: every,
    });
  alarm(
    'Undeliverable',
    district(UNDELIVERABLE, period),
    'a message no configured channel could bring to its person',
  );
  new Dashboard(stack, 'Dashboard', {
    dashboardName: `${stack.stackName}-operations`,
    widgets: [
      [
        new GraphWidget({
          title: '申请、审批、逾期与失效（每日）',
          left: DISTRICT_METRICS.map((name) => district(name)),
          width: 24,
        }),
      ],
      [
        new GraphWidget({
          title: 'Function errors',
          left: Object.values(props.functions).map((f) => f.metricErrors({ period })),
          width: 12,
        }),
        new GraphWidget({
          title: 'HTTP 5xx, failed invocations',
          left: [
            props.api.metricServerError({ period }),
            props.failedInvocations.metricApproximateNumberOfMessagesVisible({ period }),
          ],
          width: 12,
        }),
      ],
      [
        new GraphWidget({
          title: 'Executions failed / timed out',
          left: props.machines.flatMap((m) => [m.metricFailed({ period }), m.metricTimedOut({ period })]),
          width: 24,
        }),
      ],
    ],
  });
}
