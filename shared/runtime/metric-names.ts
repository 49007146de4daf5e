/** The figures a district watches, as CloudWatch metrics (the dashboard graphs these names). */
export const METRICS_NAMESPACE = 'Fangfan';
export const DISTRICT_METRICS = ['ApplicationsReceived', 'Decisions', 'OverdueSteps', 'Lapses'] as const;
export type DistrictMetric = (typeof DISTRICT_METRICS)[number];
