/**
 * 纳入监测 — the monitoring application chain (seed 二、2.(4)), the one definition of it. CDK deploys
 * it; the local engine runs the ASL synthesized from it. State names follow the policy's steps.
 *
 * Data stays out of the payload: states pass the application id and small results; each step reads
 * the record itself. `$.step` carries the current human step's escalation count and, once decided,
 * its decision.
 */
import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { type CaseWorkflowProps, caseFragments } from './fragments.ts';

export interface MonitoringApplicationProps extends CaseWorkflowProps {
  /** how long the applicant has for the signed commitment before a reminder (default 7 days) */
  commitmentTimeout?: Duration;
  /** builds the national-system entry batch before the clerk's step */
  systemEntryBatch: CaseWorkflowProps['workflowSteps'];
}

export function monitoringApplicationDefinition(
  scope: Construct,
  props: MonitoringApplicationProps,
): sfn.IChainable {
  const { automatic, humanStep, approvalLevel, routeChain, publicity, reject } = caseFragments(scope, props);
  const commitmentTimeout = props.commitmentTimeout ?? Duration.days(7);

  /** 等待农户承诺和授权查询书（附件1） */
  const awaitCommitment = humanStep('AwaitCommitment', { step: 'awaitCommitment' }, commitmentTimeout);
  /** 村民小组评议 */
  const groupReview = approvalLevel('VillageGroupReview', 'GROUP_REVIEW');
  /** 村两委核实评议 */
  const committeeReview = approvalLevel('VillageCommitteeReview', 'VILLAGE_REVIEW');
  /** 公示异议复核 */
  const objectionReview = approvalLevel('ObjectionReview', 'OBJECTION_REVIEW');
  /** 乡党委政府审核 */
  const townshipReview = approvalLevel('TownshipReview', 'TOWNSHIP_REVIEW');
  /** 区乡村振兴部门备案 */
  const districtFiling = approvalLevel('DistrictFiling', 'DISTRICT_FILING');
  /** 全国防止返贫监测信息系统录入标注 */
  const systemEntry = approvalLevel('SystemEntry', 'SYSTEM_ENTRY');

  const groupReviewEnabled = (id: string, otherwise: sfn.IChainable) =>
    new sfn.Choice(scope, id)
      .when(sfn.Condition.booleanEquals('$.groupReview', true), groupReview.task)
      .otherwise(otherwise);

  /** 村内公示, and at the same time 区级数据比对 */
  const comparison = automatic('DistrictDataComparison', 'compareData', '$.comparison');
  const publicityAndComparison = publicity(comparison, 'comparison');
  publicityAndComparison.next(
    new sfn.Choice(scope, 'PublicityOutcome')
      .when(sfn.Condition.booleanEquals('$.review.comparison.excluded', true), reject)
      .when(sfn.Condition.numberGreaterThan('$.review.publicity.objections', 0), objectionReview.task)
      .otherwise(townshipReview.task),
  );

  const activate = automatic('Activate', 'activate', undefined).next(
    new sfn.Succeed(scope, 'MonitoringActive'),
  );

  /** 生成全国系统录入批次, on the way into 全国系统录入标注 */
  const batch = automatic('PrepareEntryBatch', 'systemEntryBatch', undefined, {}, props.systemEntryBatch);
  batch.next(systemEntry.task);

  awaitCommitment.next(groupReviewEnabled('FirstReview', committeeReview.task));
  routeChain(
    'IDENTIFICATION',
    {
      GROUP_REVIEW: groupReview,
      VILLAGE_REVIEW: committeeReview,
      OBJECTION_REVIEW: objectionReview,
      TOWNSHIP_REVIEW: townshipReview,
      DISTRICT_FILING: districtFiling,
      SYSTEM_ENTRY: systemEntry,
    },
    {
      AWAITING_COMMITMENT: awaitCommitment,
      GROUP_REVIEW: groupReview.task,
      VILLAGE_REVIEW: committeeReview.task,
      PUBLICITY: publicityAndComparison,
      OBJECTION_REVIEW: objectionReview.task,
      TOWNSHIP_REVIEW: townshipReview.task,
      DISTRICT_FILING: districtFiling.task,
      SYSTEM_ENTRY: batch,
      ACTIVE: activate,
    },
  );

  return awaitCommitment;
}
