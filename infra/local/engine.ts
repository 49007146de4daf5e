/**
 * The local Step Functions engine: `aws-local-stepfunctions` running the synthesized ASL, plus what
 * that library leaves out and a township's one machine needs:
 * - callback tasks (`waitForTaskToken`) answered through `SendTaskSuccess`/`SendTaskFailure`;
 * - task timeouts and Waits on the business clock, so moving the clock makes steps remind, escalate,
 *   lapse and publicity close;
 * - a checkpoint at each top-level state entered, kept in DynamoDB Local, so a restart resumes every
 *   open case at its last state (a re-entered callback step re-binds its token behind the same link;
 *   a re-entered Wait waits only what is left). Every step is idempotent, which makes re-entry safe.
 *
 * A Wait is realized by letting the library sleep "forever" and, once business time reaches the
 * timestamp, resuming the execution at its last top-level checkpoint with that Wait passing at once.
 */
import './polyfills.ts';
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { StateMachine } from 'aws-local-stepfunctions';
import type { BusinessClock } from './business-clock.ts';

type Json = any;
type Handler = (event: Json, context: Json) => Promise<Json>;

const FOREVER_MS = 2 ** 31 - 1;

export class EngineError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

interface Checkpoint {
  state: string;
  input: Json;
  /** business time the state was entered (task timeouts count from it) */
  enteredAt: number;
}

interface ExecutionRecord {
  name: string;
  stateMachineArn: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  input: Json;
  output?: Json;
  error?: string;
  startedAt: string;
  checkpoint: Checkpoint;
  /** state transitions as Step Functions would bill them (StateEntered events, replays excluded) */
  transitions: number;
  /** Lambda invocations the workflow made (for the cost model) */
  invocations?: number;
  /** StateEntered events of local replays: re-entering states to resume after a restart or a Wait */
  replayed?: number;
}

interface PendingTask {
  execution: string;
  resolve: (value: Json) => void;
  reject: (error: Error) => void;
}

export interface EngineOptions {
  definition: Json;
  stateMachineArn: string;
  handlers: Map<string, Handler>;
  clock: BusinessClock;
  db: DynamoDBDocumentClient;
  table: string;
}

export class LocalEngine {
  private readonly machines = new Map<string, StateMachine>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly runs = new Map<string, { abort: () => void; generation: number }>();
  private readonly pending = new Map<string, PendingTask>();
  /** starts in flight per execution name, so two concurrent starts are served one after the other */
  private readonly starting = new Map<string, Promise<{ executionArn: string; startDate: number }>>();
  /** Waits whose time has come, per execution: passed at once on the next run */
  private readonly dueWaits = new Map<string, Set<string>>();
  private readonly cancels = new Map<string, (() => void)[]>();
  /** nested states entered since the last top-level checkpoint, per execution */
  private readonly sinceCheckpoint = new Map<string, string[]>();
  private readonly topLevel: Set<string>;
  private readonly allStates = new Map<string, Json>();
  private generation = 0;
  private stopped = false;
  /** listeners for tests and benchmarks */
  readonly onEvent: ((execution: string, event: Json) => void)[] = [];

  get stateMachineArn(): string {
    return this.options.stateMachineArn;
  }

  constructor(private readonly options: EngineOptions) {
    const collect = (states: Record<string, Json>) => {
      for (const [name, state] of Object.entries(states)) {
        this.allStates.set(name, state);
        for (const branch of state.Branches ?? []) collect(branch.States);
      }
    };
    collect(options.definition.States);
    this.topLevel = new Set(Object.keys(options.definition.States));
    // Validate once; resumed copies skip validation (~90 ms each otherwise).
    this.machines.set(
      options.definition.StartAt,
      new StateMachine(options.definition, { validationOptions: { checkArn: false } }),
    );
  }

  private machineFrom(state: string): StateMachine {
    let machine = this.machines.get(state);
    if (!machine) {
      machine = new StateMachine(
        { ...this.options.definition, StartAt: state },
        { validationOptions: { noValidate: true } },
      );
      this.machines.set(state, machine);
    }
    return machine;
  }

  /** Starts by name at most once, even when the same start arrives twice at the same moment. */
  start(
    name: string,
    stateMachineArn: string,
    input: Json,
  ): Promise<{ executionArn: string; startDate: number }> {
    const previous = this.starting.get(name) ?? Promise.resolve();
    const attempt = previous.catch(() => undefined).then(() => this.startOnce(name, stateMachineArn, input));
    this.starting.set(name, attempt);
    attempt
      .finally(() => {
        if (this.starting.get(name) === attempt) this.starting.delete(name);
      })
      .catch(() => undefined);
    return attempt;
  }

  private async startOnce(
    name: string,
    stateMachineArn: string,
    input: Json,
  ): Promise<{ executionArn: string; startDate: number }> {
    if (stateMachineArn !== this.options.stateMachineArn)
      throw new EngineError('StateMachineDoesNotExist', stateMachineArn);
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.executions.get(name) ?? (await this.load(name));
    if (existing) {
      if (JSON.stringify(existing.input) !== JSON.stringify(input))
        throw new EngineError('ExecutionAlreadyExists', name);
      return { executionArn, startDate: Date.parse(existing.startedAt) / 1000 };
    }
    const record: ExecutionRecord = {
      name,
      stateMachineArn,
      status: 'RUNNING',
      input,
      startedAt: new Date(this.options.clock.now()).toISOString(),
      checkpoint: { state: this.options.definition.StartAt, input, enteredAt: this.options.clock.now() },
      transitions: 0,
    };
    this.executions.set(name, record);
    await this.save(record);
    this.run(record, false);
    return { executionArn, startDate: Date.now() / 1000 };
  }

  /** Whether a task token belongs to a step this engine is waiting on. */
  hasTask(taskToken: string): boolean {
    return this.pending.has(taskToken);
  }

  /** Resumes every execution that was running when the stack stopped. */
  async resumeAll(): Promise<number> {
    const out: ExecutionRecord[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.options.db.send(
        new QueryCommand({
          TableName: this.options.table,
          KeyConditionExpression: 'PK = :pk',
          FilterExpression: '#status = :running',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pk': 'EXEC', ':running': 'RUNNING' },
          ExclusiveStartKey,
        }),
      );
      out.push(...((page.Items ?? []) as ExecutionRecord[]));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    for (const record of out) {
      // one table holds the executions of every local state machine; each engine resumes its own
      if (record.stateMachineArn !== this.options.stateMachineArn) continue;
      this.executions.set(record.name, record);
      this.run(record, true);
    }
    return out.filter((r) => r.stateMachineArn === this.options.stateMachineArn).length;
  }

  describe(name: string): ExecutionRecord | undefined {
    return this.executions.get(name);
  }

  /** Executions running in this engine now. */
  openExecutions(): number {
    return [...this.executions.values()].filter((e) => e.status === 'RUNNING').length;
  }

  sendTaskSuccess(taskToken: string, output: string): void {
    const task = this.pending.get(taskToken);
    if (!task) throw new EngineError('TaskDoesNotExist', 'Task does not exist anymore');
    this.pending.delete(taskToken);
    task.resolve(JSON.parse(output));
  }

  sendTaskFailure(taskToken: string, error = 'TaskFailed', cause = ''): void {
    const task = this.pending.get(taskToken);
    if (!task) throw new EngineError('TaskDoesNotExist', 'Task does not exist anymore');
    this.pending.delete(taskToken);
    task.reject(Object.assign(new Error(cause), { name: error }));
  }

  stop(): void {
    this.stopped = true;
    for (const run of this.runs.values()) run.abort();
    for (const list of this.cancels.values()) for (const cancel of list) cancel();
    this.runs.clear();
  }

  /** Runs an execution from its checkpoint. */
  /**
   * Runs an execution from its checkpoint. States a resumed run enters again are counted as replays,
   * apart from the transitions Step Functions would bill.
   */
  private run(record: ExecutionRecord, resumed: boolean): void {
    // States this run enters again only because it resumes: the checkpoint, and whatever the previous
    // run had entered since (both branches of a Parallel waiting at its Wait).
    const replay = resumed ? [record.checkpoint.state, ...(this.sinceCheckpoint.get(record.name) ?? [])] : [];
    this.sinceCheckpoint.set(record.name, []);
    if (this.stopped) return;
    const generation = ++this.generation;
    for (const cancel of this.cancels.get(record.name) ?? []) cancel();
    this.cancels.set(record.name, []);
    for (const [token, task] of this.pending) if (task.execution === record.name) this.pending.delete(token);
    // The first state entered is the checkpoint already saved (at start or before the restart).
    let firstEntry = true;
    // Whether each entry of a Wait passed at once (its time had come); the event loop skips those.
    const waitPasses = new Map<string, boolean[]>();
    const execution = this.machineFrom(record.checkpoint.state).run(record.checkpoint.input, {
      noThrowOnAbort: true,
      context: {
        Execution: { Id: `${record.stateMachineArn}:${record.name}`, Name: record.name },
        Task: {
          get Token() {
            return randomUUID();
          },
        },
      },
      overrides: {
        taskResourceLocalHandlers: this.taskOverrides(record),
        waitTimeOverrides: new Proxy(
          {},
          {
            get: (_, state: string) => {
              const due = this.dueWaits.get(record.name);
              const passes = waitPasses.get(state) ?? [];
              waitPasses.set(state, passes);
              if (due?.has(state)) {
                due.delete(state);
                passes.push(true);
                return 0;
              }
              passes.push(false);
              return FOREVER_MS;
            },
          },
        ) as Record<string, number>,
      },
    });
    this.runs.set(record.name, { abort: execution.abort, generation });
    const current = () => this.runs.get(record.name)?.generation === generation && !this.stopped;

    (async () => {
      for await (const event of execution.eventLogs) {
        if (!current()) break;
        for (const listener of this.onEvent) listener(record.name, event);
        if (event.type !== 'StateEntered') continue;
        const { name, input } = event.state;
        const replayIndex = replay.indexOf(name);
        if (replayIndex >= 0) {
          replay.splice(replayIndex, 1);
          record.replayed = (record.replayed ?? 0) + 1;
        } else record.transitions++;
        if (this.topLevel.has(name)) this.sinceCheckpoint.set(record.name, []);
        else this.sinceCheckpoint.get(record.name)?.push(name);
        const state = this.allStates.get(name);
        if (this.topLevel.has(name)) {
          const same = firstEntry && name === record.checkpoint.state;
          firstEntry = false;
          if (!same) {
            record.checkpoint = { state: name, input, enteredAt: this.options.clock.now() };
            await this.save(record);
          }
        }
        if (state?.Type === 'Wait' && !waitPasses.get(name)?.shift())
          this.scheduleWait(record, name, state, input, generation);
      }
    })().catch((error) => console.error('engine event loop failed', error));

    execution.result.then(
      async (output) => {
        if (!current() || output === null) return;
        record.status = 'SUCCEEDED';
        record.output = output;
        await this.save(record);
      },
      async (error: Error) => {
        if (!current()) return;
        record.status = 'FAILED';
        record.error = String(error?.cause ?? error?.message ?? error);
        console.error(`execution ${record.name} failed:`, record.error);
        await this.save(record);
      },
    );
  }

  private scheduleWait(
    record: ExecutionRecord,
    name: string,
    state: Json,
    input: Json,
    generation: number,
  ): void {
    const timestamp = state.TimestampPath ? readPath(input, state.TimestampPath) : state.Timestamp;
    const seconds = state.SecondsPath ? readPath(input, state.SecondsPath) : state.Seconds;
    const at = timestamp ? Date.parse(timestamp) : this.options.clock.now() + Number(seconds ?? 0) * 1000;
    const cancel = this.options.clock.at(at, () => {
      if (this.runs.get(record.name)?.generation !== generation) return;
      const due = this.dueWaits.get(record.name) ?? new Set<string>();
      due.add(name);
      this.dueWaits.set(record.name, due);
      this.runs.get(record.name)?.abort();
      this.run(record, true);
    });
    this.cancels.get(record.name)?.push(cancel);
  }

  private taskOverrides(record: ExecutionRecord): Record<string, (input: Json) => Promise<Json>> {
    const overrides: Record<string, (input: Json) => Promise<Json>> = {};
    for (const [name, state] of this.allStates) {
      if (state.Type !== 'Task') continue;
      const resource: string = state.Resource;
      if (resource.endsWith(':lambda:invoke.waitForTaskToken')) {
        overrides[name] = (input) => this.callback(record, name, state, input);
      } else if (resource.endsWith(':lambda:invoke')) {
        overrides[name] = async (input) => ({
          StatusCode: 200,
          Payload: await this.invoke(input.FunctionName, input.Payload, record),
        });
      } else {
        overrides[name] = (input) => this.invoke(resource, input, record);
      }
    }
    return overrides;
  }

  private async invoke(functionArn: string, payload: Json, record?: ExecutionRecord): Promise<Json> {
    if (record) record.invocations = (record.invocations ?? 0) + 1;
    const handler = this.options.handlers.get(functionArn);
    if (!handler) throw new EngineError('Lambda.ResourceNotFoundException', functionArn);
    const result = await handler(payload, {
      functionName: functionArn,
      awsRequestId: randomUUID(),
      getRemainingTimeInMillis: () => 30_000,
    });
    return result ?? null;
  }

  private callback(record: ExecutionRecord, name: string, state: Json, input: Json): Promise<Json> {
    const token: string = input.Payload?.taskToken;
    const promise = new Promise<Json>((resolve, reject) => {
      this.pending.set(token, { execution: record.name, resolve, reject });
    });
    if (state.TimeoutSeconds) {
      const since = record.checkpoint.state === name ? record.checkpoint.enteredAt : this.options.clock.now();
      const cancel = this.options.clock.at(since + state.TimeoutSeconds * 1000, () => {
        const task = this.pending.get(token);
        if (!task) return;
        this.pending.delete(token);
        // Like AWS, a timeout is not matched by a States.TaskFailed retrier, only by Catch.
        task.reject(
          Object.assign(new Error('Task timed out'), { name: 'States.Timeout', isRetryable: false }),
        );
      });
      this.cancels.get(record.name)?.push(cancel);
    }
    this.invoke(input.FunctionName, input.Payload, record).catch((error: Error) => {
      const task = this.pending.get(token);
      if (!task) return;
      this.pending.delete(token);
      task.reject(error);
    });
    return promise;
  }

  private async load(name: string): Promise<ExecutionRecord | undefined> {
    const out = await this.options.db.send(
      new GetCommand({ TableName: this.options.table, Key: { PK: 'EXEC', SK: name }, ConsistentRead: true }),
    );
    return out.Item as ExecutionRecord | undefined;
  }

  private async save(record: ExecutionRecord): Promise<void> {
    await this.options.db.send(
      new PutCommand({ TableName: this.options.table, Item: { PK: 'EXEC', SK: record.name, ...record } }),
    );
  }
}

/** `$.a.b` paths, as the workflows use them. */
function readPath(input: Json, path: string): Json {
  return path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean)
    .reduce((value, key) => value?.[key], input);
}
