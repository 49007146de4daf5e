/**
 * 纳入监测 — the monitoring application chain (seed 二、2.(4)), the one definition of it. CDK deploys
 * it; the local engine runs the ASL synthesized from it. State names follow the policy's steps.
 *
 * Data stays out of the payload: states pass the application id and small results; each step reads
 * the record itself. `$.step` carries the current human step's escalation count and, once decided,
 * its decision.
 */
import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { ApprovalStage } from '#domain/stages';

export interface MonitoringApplicationProps {
  /** parks a case until a person acts (commitment, approvals) */
  humanSteps: IFunction;
  /** publicity, comparison, overdue counting, the endings */
  workflowSteps: IFunction;
  /** how long one approval attempt may wait before a reminder (default 3 days) */
  approvalTimeout?: Duration;
  /** how long the applicant has for the signed commitment before a reminder (default 7 days) */
  commitmentTimeout?: Duration;
}

/** Local timers overflow past 2^31 ms; AWS has no such limit, but one definition serves both. */
const MAX_STEP_TIMEOUT = Duration.days(20);

export function monitoringApplicationDefinition(
  scope: Construct,
  props: MonitoringApplicationProps,
): sfn.IChainable {
  const approvalTimeout = props.approvalTimeout ?? Duration.days(3);
  const commitmentTimeout = props.commitmentTimeout ?? Duration.days(7);
  for (const t of [approvalTimeout, commitmentTimeout]) {
    if (t.toSeconds() > MAX_STEP_TIMEOUT.toSeconds())
      throw new Error('a human step timeout may not exceed 20 days');
  }
  const applicationId = sfn.JsonPath.stringAt('$.applicationId');

  const automatic = (
    id: string,
    step: string,
    resultPath: string | undefined,
    extra: Record<string, unknown> = {},
  ) => {
    const task = new tasks.LambdaInvoke(scope, id, {
      lambdaFunction: props.workflowSteps,
      payload: sfn.TaskInput.fromObject({ step, applicationId, ...extra }),
      payloadResponseOnly: true,
      resultPath: resultPath ?? sfn.JsonPath.DISCARD,
    });
    task.addRetry({
      errors: ['States.TaskFailed'],
      interval: Duration.seconds(2),
      maxAttempts: 5,
      backoffRate: 2,
    });
    return task;
  };

  const rejected = new sfn.Succeed(scope, 'Rejected');
  const reject = automatic('Reject', 'reject', undefined).next(rejected);
  const lapse = automatic('Lapse', 'lapse', undefined).next(new sfn.Succeed(scope, 'Lapsed'));

  /** A human step with its reminder → escalation → lapse loop; one function, called once per level. */
  const humanStep = (id: string, payload: Record<string, unknown>, timeout: Duration) => {
    const task = new tasks.LambdaInvoke(scope, id, {
      lambdaFunction: props.humanSteps,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({
        ...payload,
        applicationId,
        escalation: sfn.JsonPath.numberAt('$.step.escalation'),
        taskToken: sfn.JsonPath.taskToken,
      }),
      resultPath: '$.step',
      taskTimeout: sfn.Timeout.duration(timeout),
    });
    const overdue = automatic(`${id}Overdue`, 'overdue', '$.step', {
      escalation: sfn.JsonPath.numberAt('$.step.escalation'),
    });
    const lapsed = new sfn.Choice(scope, `${id}Lapsed`)
      .when(sfn.Condition.booleanEquals('$.step.lapse', true), lapse)
      .otherwise(task);
    // A failed invocation (not a timeout, which Catch handles) is retried; the step is idempotent.
    task.addRetry({
      errors: ['States.TaskFailed'],
      interval: Duration.seconds(2),
      maxAttempts: 5,
      backoffRate: 2,
    });
    task.addCatch(overdue, { errors: ['States.Timeout'], resultPath: sfn.JsonPath.DISCARD });
    overdue.next(lapsed);
    return task;
  };

  const approvalLevel = (id: string, stage: ApprovalStage) => {
    const task = humanStep(id, { step: 'requestApproval', stage }, approvalTimeout);
    const decision = new sfn.Choice(scope, `${id}Decision`);
    task.next(decision);
    return {
      task,
      /** approve → `approved`, return → `returned`, reject → Reject */
      route(approved: sfn.IChainable, returned: sfn.IChainable) {
        decision
          .when(sfn.Condition.stringEquals('$.step.decision', 'approve'), approved)
          .when(sfn.Condition.stringEquals('$.step.decision', 'return'), returned)
          .otherwise(reject);
      },
    };
  };

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

  /** 村内公示 (a reusable fragment: end from the calendar, one Wait, close against the business clock) */
  const publicityWait = new sfn.Wait(scope, 'PublicityWait', {
    time: sfn.WaitTime.timestampPath('$.publicity.endsAt'),
  });
  const publicityClose = automatic('PublicityClose', 'closePublicity', '$.publicity');
  const publicity = automatic('PublicityOpen', 'openPublicity', '$.publicity')
    .next(publicityWait)
    .next(publicityClose)
    .next(
      new sfn.Choice(scope, 'PublicityOver')
        .when(
          sfn.Condition.booleanEquals('$.publicity.closed', true),
          new sfn.Succeed(scope, 'PublicityClosed'),
        )
        .otherwise(publicityWait),
    );
  /** 区级数据比对 */
  const comparison = automatic('DistrictDataComparison', 'compareData', '$.comparison');
  const publicityAndComparison = new sfn.Parallel(scope, 'Publicity', {
    resultSelector: { 'publicity.$': '$[0].publicity', 'comparison.$': '$[1].comparison' },
    resultPath: '$.review',
  })
    .branch(publicity)
    .branch(comparison);
  publicityAndComparison.next(
    new sfn.Choice(scope, 'PublicityOutcome')
      .when(sfn.Condition.booleanEquals('$.review.comparison.excluded', true), reject)
      .when(sfn.Condition.numberGreaterThan('$.review.publicity.objections', 0), objectionReview.task)
      .otherwise(townshipReview.task),
  );

  const activate = automatic('Activate', 'activate', undefined).next(
    new sfn.Succeed(scope, 'MonitoringActive'),
  );

  awaitCommitment.next(groupReviewEnabled('FirstReview', committeeReview.task));
  groupReview.route(committeeReview.task, awaitCommitment);
  committeeReview.route(
    publicityAndComparison,
    groupReviewEnabled('ReturnFromVillageCommittee', awaitCommitment),
  );
  objectionReview.route(townshipReview.task, committeeReview.task);
  townshipReview.route(districtFiling.task, committeeReview.task);
  districtFiling.route(systemEntry.task, townshipReview.task);
  systemEntry.route(activate, districtFiling.task);

  return awaitCommitment;
}
