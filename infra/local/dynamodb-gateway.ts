/**
 * The DynamoDB endpoint the functions talk to: a loopback proxy in front of DynamoDB Local that
 * authorizes every request as AWS does — by the caller's role, per action and table or index ARN,
 * a transaction per item (`TransactWriteItems` as `PutItem`, `UpdateItem`, `DeleteItem`,
 * `ConditionCheckItem`; `TransactGetItems` as `GetItem`) — and then forwards it unchanged.
 */
import { Agent, createServer, request, type Server } from 'node:http';
import { accessKeyOf } from './aws-endpoint.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './definitions.ts';
import type { IamEvaluator } from './iam.ts';

const tableArn = (table: string, index?: string) =>
  `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${table}${index ? `/index/${index}` : ''}`;

/** The action/resource pairs one DynamoDB request needs. */
export function dynamoNeeds(operation: string, input: any): { action: string; resource: string }[] {
  const need = (action: string, table: string, index?: string) => ({
    action: `dynamodb:${action}`,
    resource: tableArn(table, index),
  });
  switch (operation) {
    case 'TransactWriteItems':
      return (input.TransactItems ?? []).map((item: Record<string, { TableName: string }>) => {
        const [kind, body] = Object.entries(item)[0]!;
        const action = {
          Put: 'PutItem',
          Update: 'UpdateItem',
          Delete: 'DeleteItem',
          ConditionCheck: 'ConditionCheckItem',
        }[kind];
        return need(action ?? kind, body.TableName);
      });
    case 'TransactGetItems':
      return (input.TransactItems ?? []).map((item: { Get: { TableName: string } }) =>
        need('GetItem', item.Get.TableName),
      );
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return Object.keys(input.RequestItems ?? {}).map((table) => need(operation, table));
    case 'Query':
    case 'Scan':
      return [need(operation, input.TableName, input.IndexName)];
    case 'ListTables':
      return [{ action: 'dynamodb:ListTables', resource: '*' }];
    default:
      return [need(operation, input.TableName ?? '*')];
  }
}

/** Sees each call with what DynamoDB reports it consumed (benchmarks count capacity units with it). */
export type DynamoMeter = (operation: string, input: any, output: any) => void;

export function startDynamoGateway(options: {
  upstream: string;
  iam: IamEvaluator;
  port: number;
  meter?: DynamoMeter;
}): Promise<Server> {
  const upstream = new URL(options.upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      let body = Buffer.concat(chunks);
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const refuse = (type: string, message: string) => {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, Message: message }));
      };
      try {
        const verdict = await options.iam.check(
          accessKeyOf(req),
          dynamoNeeds(operation, JSON.parse(body.toString('utf8') || '{}')),
        );
        if (verdict && 'unknownKey' in verdict)
          return refuse(
            'UnrecognizedClientException',
            'The security token included in the request is invalid.',
          );
        if (verdict) {
          console.error(`AccessDenied: ${verdict.message}`);
          return refuse('AccessDeniedException', verdict.message);
        }
      } catch (error) {
        return refuse('ValidationException', String(error));
      }
      let metered: any;
      if (options.meter) {
        metered = JSON.parse(body.toString('utf8') || '{}');
        metered.ReturnConsumedCapacity ??= 'TOTAL';
        body = Buffer.from(JSON.stringify(metered));
      }
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host, 'content-length': String(body.length) },
          agent,
        },
        (answer) => {
          if (!options.meter) {
            res.writeHead(answer.statusCode ?? 500, answer.headers);
            answer.pipe(res);
            return;
          }
          const parts: Buffer[] = [];
          answer.on('data', (c: Buffer) => parts.push(c));
          answer.on('end', () => {
            const out = Buffer.concat(parts);
            try {
              options.meter!(operation, metered, JSON.parse(out.toString('utf8') || '{}'));
            } catch {
              // a meter never breaks a call
            }
            const {
              'content-length': _length,
              'transfer-encoding': _chunked,
              'x-amz-crc32': _crc,
              ...headers
            } = answer.headers;
            res.writeHead(answer.statusCode ?? 500, { ...headers, 'content-length': String(out.length) });
            res.end(out);
          });
        },
      );
      forward.on('error', (error) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(
          JSON.stringify({
            __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
            Message: String(error),
          }),
        );
      });
      forward.end(body);
    });
  });
  return new Promise((resolve) => server.listen(options.port, '127.0.0.1', () => resolve(server)));
}
