/**
 * The one Powertools Metrics instance. Each count is flushed at once as an embedded-metric log line
 * (CloudWatch turns it into the metric), so a use case need not be wrapped in a middleware to count.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { type DistrictMetric, METRICS_NAMESPACE } from './metric-names.ts';

let metrics: Metrics | undefined;

export function count(name: DistrictMetric): void {
  metrics ??= new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'fangfan' });
  metrics.addMetric(name, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
}
