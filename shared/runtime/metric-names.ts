/** The figures a district watches, and the one the engineer on call does, as CloudWatch metrics. */
export const METRICS_NAMESPACE = 'Fangfan';
export const DISTRICT_METRICS = ['ApplicationsReceived', 'Decisions', 'OverdueSteps', 'Lapses'] as const;
/** a message no configured channel could bring to its person */
export const UNDELIVERABLE = 'Undeliverable';
export type DistrictMetric = (typeof DISTRICT_METRICS)[number] | typeof UNDELIVERABLE;
