/**
 * The Step Functions API calls the functions make, answered by the local engine over the same JSON
 * protocol the SDK speaks, so `functions/` cannot tell which engine it talks to.
 */
import { createServer, type Server } from 'node:http';
import { EngineError, type LocalEngine } from './engine.ts';

/** One endpoint for every local state machine: a start goes by ARN, a task token to its engine. */
export function startSfnEndpoint(engines: LocalEngine[], port: number): Promise<Server> {
  const byArn = (arn: string) => engines.find((e) => e.stateMachineArn === arn);
  const byToken = (token: string) => engines.find((e) => e.hasTask(token)) ?? engines[0]!;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const target = String(req.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '');
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(body));
      };
      try {
        const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        switch (target) {
          case 'StartExecution': {
            const engine = byArn(input.stateMachineArn);
            if (!engine)
              return reply(400, { __type: 'StateMachineDoesNotExist', message: input.stateMachineArn });
            return reply(
              200,
              await engine.start(input.name, input.stateMachineArn, JSON.parse(input.input ?? '{}')),
            );
          }
          case 'SendTaskSuccess':
            byToken(input.taskToken).sendTaskSuccess(input.taskToken, input.output);
            return reply(200, {});
          case 'SendTaskFailure':
            byToken(input.taskToken).sendTaskFailure(input.taskToken, input.error, input.cause);
            return reply(200, {});
          case 'DescribeExecution': {
            const name = String(input.executionArn).split(':').pop()!;
            const record = engines.map((e) => e.describe(name)).find(Boolean);
            if (!record) return reply(400, { __type: 'ExecutionDoesNotExist', message: name });
            return reply(200, {
              executionArn: input.executionArn,
              name,
              status: record.status,
              startDate: Date.parse(record.startedAt) / 1000,
              input: JSON.stringify(record.input),
            });
          }
          default:
            return reply(400, { __type: 'UnknownOperationException', message: target });
        }
      } catch (error) {
        if (error instanceof EngineError) return reply(400, { __type: error.type, message: error.message });
        return reply(500, { __type: 'InternalError', message: String(error) });
      }
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}
