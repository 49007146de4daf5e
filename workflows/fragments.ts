/**
 * The pieces both case workflows are built from, one function each: an automatic step, a human step
 * with its reminder → escalation → lapse loop, an approval level, the publicity period, and the
 * endings. 识别纳入 and 风险消除 call them; neither keeps a copy.
 */
import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { type ApprovalStage, type CaseKind, CHAINS, type ChainTarget, type Stage } from '#domain/stages';

export interface CaseWorkflowProps {
  /** parks a case until a person acts (commitment, approvals) */
  humanSteps: IFunction;
  /** publicity, comparison, overdue counting, the endings */
  workflowSteps: IFunction;
  /** how long one approval attempt may wait before a reminder (default 3 days) */
  approvalTimeout?: Duration;
}

/** Local timers overflow past 2^31 ms; AWS has no such limit, but one definition serves both. */
export const MAX_STEP_TIMEOUT = Duration.days(20);

export function caseFragments(scope: Construct, props: CaseWorkflowProps) {
  const approvalTimeout = props.approvalTimeout ?? Duration.days(3);
  if (approvalTimeout.toSeconds() > MAX_STEP_TIMEOUT.toSeconds())
    throw new Error('a human step timeout may not exceed 20 days');
  const applicationId = sfn.JsonPath.stringAt('$.applicationId');

  const automatic = (
    id: string,
    step: string,
    resultPath: string | undefined,
    extra: Record<string, unknown> = {},
    lambdaFunction: IFunction = props.workflowSteps,
  ) => {
    const task = new tasks.LambdaInvoke(scope, id, {
      lambdaFunction,
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
    if (timeout.toSeconds() > MAX_STEP_TIMEOUT.toSeconds())
      throw new Error('a human step timeout may not exceed 20 days');
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
      id,
      /** approve → `approved`, return → `returned`, reject → Reject */
      route(approved: sfn.IChainable, returned: sfn.IChainable) {
        decision
          .when(sfn.Condition.stringEquals('$.step.decision', 'approve'), approved)
          .when(sfn.Condition.stringEquals('$.step.decision', 'return'), returned)
          .otherwise(reject);
      },
    };
  };

  /**
   * 村内公示: end from the calendar, one Wait, close against the business clock (an objection lodged
   * meanwhile is counted at the close). Runs as the first branch of a Parallel named `Publicity`,
   * with whatever must happen at the same time as the other branch; the outcome is in `$.review`.
   */
  const publicity = (alongside: sfn.IChainable & sfn.INextable, alongsideResult: string) => {
    const wait = new sfn.Wait(scope, 'PublicityWait', {
      time: sfn.WaitTime.timestampPath('$.publicity.endsAt'),
    });
    const branch = automatic('PublicityOpen', 'openPublicity', '$.publicity')
      .next(wait)
      .next(automatic('PublicityClose', 'closePublicity', '$.publicity'))
      .next(
        new sfn.Choice(scope, 'PublicityOver')
          .when(
            sfn.Condition.booleanEquals('$.publicity.closed', true),
            new sfn.Succeed(scope, 'PublicityClosed'),
          )
          .otherwise(wait),
      );
    return new sfn.Parallel(scope, 'Publicity', {
      resultSelector: {
        'publicity.$': '$[0].publicity',
        [`${alongsideResult}.$`]: `$[1].${alongsideResult}`,
      },
      resultPath: '$.review',
    })
      .branch(branch)
      .branch(alongside);
  };

  type Level = ReturnType<typeof approvalLevel>;

  /**
   * Routes every level's decisions as the chain table says (`CHAINS` in `#domain/stages`): approve
   * and return go to the state that enters the target stage, reject to Reject. A target that depends
   * on 村民小组评议 becomes a Choice on `$.groupReview`.
   */
  const routeChain = (
    kind: CaseKind,
    levels: Partial<Record<ApprovalStage, Level>>,
    entries: Partial<Record<Stage, sfn.IChainable>>,
  ) => {
    const enter = (target: ChainTarget, name: string): sfn.IChainable => {
      if (typeof target !== 'string')
        return new sfn.Choice(scope, name)
          .when(sfn.Condition.booleanEquals('$.groupReview', true), enter(target.withGroupReview, name))
          .otherwise(enter(target.withoutGroupReview, name));
      const state = entries[target];
      if (!state) throw new Error(`the ${kind} workflow has no state that enters ${target}`);
      return state;
    };
    for (const row of CHAINS[kind]) {
      const level = levels[row.stage];
      if (!level) throw new Error(`the ${kind} workflow has no ${row.stage} level`);
      level.route(enter(row.approve, `ApproveFrom${level.id}`), enter(row.return, `ReturnFrom${level.id}`));
    }
    const extra = Object.keys(levels).filter((stage) => !CHAINS[kind].some((row) => row.stage === stage));
    if (extra.length) throw new Error(`the ${kind} chain has no row for ${extra.join(', ')}`);
  };

  return { automatic, humanStep, approvalLevel, routeChain, publicity, reject, lapse };
}
