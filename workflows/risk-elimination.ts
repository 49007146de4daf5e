/**
 * 风险消除 (DOMAIN.md, Risk elimination; seed 二、3.) — the procedure mirrors identification: the
 * 村两委's proposal is checked against the rules, then 评议, 公示, township, district filing and
 * national-system marking. Built from the same fragments as the monitoring application.
 */
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { type CaseWorkflowProps, caseFragments } from './fragments.ts';

export interface RiskEliminationProps extends CaseWorkflowProps {
  /** builds the national-system entry batch before the clerk's step */
  systemEntryBatch: CaseWorkflowProps['workflowSteps'];
}

export function riskEliminationDefinition(scope: Construct, props: RiskEliminationProps): sfn.IChainable {
  const { automatic, approvalLevel, routeChain, publicity, reject } = caseFragments(scope, props);

  /** 风险消除条件核查: refused proposals (暂不标注 among them) end here with the reason */
  const check = automatic('CheckProposal', 'checkElimination', '$.check');
  /** 村两委评议 */
  const committeeReview = approvalLevel('VillageCommitteeReview', 'VILLAGE_REVIEW');
  const objectionReview = approvalLevel('ObjectionReview', 'OBJECTION_REVIEW');
  const townshipReview = approvalLevel('TownshipReview', 'TOWNSHIP_REVIEW');
  const districtFiling = approvalLevel('DistrictFiling', 'DISTRICT_FILING');
  const systemEntry = approvalLevel('SystemEntry', 'SYSTEM_ENTRY');

  check.next(
    new sfn.Choice(scope, 'ProposalEligible')
      .when(sfn.Condition.booleanEquals('$.check.eligible', true), committeeReview.task)
      .otherwise(reject),
  );
  /** 公示, and at the same time the rules checked again against the data as it is then */
  const publicityAndRecheck = publicity(
    automatic('EliminationRecheck', 'checkElimination', '$.recheck'),
    'recheck',
  );
  publicityAndRecheck.next(
    new sfn.Choice(scope, 'PublicityOutcome')
      .when(sfn.Condition.booleanEquals('$.review.recheck.eligible', false), reject)
      .when(sfn.Condition.numberGreaterThan('$.review.publicity.objections', 0), objectionReview.task)
      .otherwise(townshipReview.task),
  );
  const withdraw = automatic('Withdraw', 'withdraw', undefined).next(new sfn.Succeed(scope, 'Withdrawn'));
  const mark = automatic('MarkEliminated', 'markEliminated', undefined).next(
    new sfn.Succeed(scope, 'RiskEliminated'),
  );
  const batch = automatic('PrepareEntryBatch', 'systemEntryBatch', undefined, {}, props.systemEntryBatch);
  batch.next(systemEntry.task);

  routeChain(
    'ELIMINATION',
    {
      VILLAGE_REVIEW: committeeReview,
      OBJECTION_REVIEW: objectionReview,
      TOWNSHIP_REVIEW: townshipReview,
      DISTRICT_FILING: districtFiling,
      SYSTEM_ENTRY: systemEntry,
    },
    {
      VILLAGE_REVIEW: committeeReview.task,
      PUBLICITY: publicityAndRecheck,
      OBJECTION_REVIEW: objectionReview.task,
      TOWNSHIP_REVIEW: townshipReview.task,
      DISTRICT_FILING: districtFiling.task,
      SYSTEM_ENTRY: batch,
      RISK_ELIMINATED: mark,
      WITHDRAWN: withdraw,
    },
  );
  return check;
}
