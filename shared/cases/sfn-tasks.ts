/**
 * The few Step Functions calls use cases make. A token that is gone (`TaskTimedOut`,
 * `TaskDoesNotExist`, `InvalidToken`) means the step moved on; callers decide what that means.
 */
import { SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { config } from '#runtime/config';
import { sfn } from '#runtime/sfn-client';

const GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/** true when the workflow took the result; false when the step had already moved on. */
export async function completeTask(taskToken: string, output: unknown): Promise<boolean> {
  try {
    await sfn().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
    return true;
  } catch (error) {
    if (GONE.has((error as Error).name)) return false;
    throw error;
  }
}

export async function failTask(taskToken: string, error: string, cause: string): Promise<boolean> {
  try {
    await sfn().send(new SendTaskFailureCommand({ taskToken, error, cause }));
    return true;
  } catch (e) {
    if (GONE.has((e as Error).name)) return false;
    throw e;
  }
}

/**
 * Starts the case's workflow under its application id, so a retried start cannot fork a case. An
 * elimination case runs the 风险消除 workflow.
 */
export async function startCase(
  applicationId: string,
  input: Record<string, unknown>,
  workflow: 'identification' | 'elimination' = 'identification',
): Promise<void> {
  try {
    await sfn().send(
      new StartExecutionCommand({
        stateMachineArn:
          workflow === 'elimination' ? config.eliminationStateMachineArn : config.stateMachineArn,
        name: applicationId,
        input: JSON.stringify(input),
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'ExecutionAlreadyExists') return;
    throw error;
  }
}
