/**
 * The AWS APIs the functions call that the twin answers itself, on one loopback port, over the same
 * protocols the SDK speaks: Step Functions (answered by the local engines), Secrets Manager (the data
 * directory's secrets), KMS (the data key of `kms.ts`) and SNS (an SMS lands in the outbox). Every call is signed by a function's
 * credentials and checked against its role's synthesized policies first, as AWS would.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { EngineError, type LocalEngine } from './engine.ts';
import type { IamEvaluator } from './iam.ts';
import { KmsError, type LocalKms } from './kms.ts';

export interface SmsMessage {
  phoneNumber: string;
  message: string;
  /** the outbox message it delivers (the `fangfan.messageId` attribute) */
  messageId?: string;
}

export interface AwsEndpointOptions {
  engines: LocalEngine[];
  iam: IamEvaluator;
  /** secret ARN → value */
  secrets: Map<string, string>;
  onSms: (sms: SmsMessage) => Promise<void>;
  kms: LocalKms;
  port: number;
}

/** The access key a SigV4-signed request names. */
export function accessKeyOf(req: IncomingMessage, query?: URLSearchParams): string | undefined {
  const header = String(req.headers.authorization ?? '');
  const credential =
    /Credential=([^/,\s]+)\//.exec(header)?.[1] ?? query?.get('X-Amz-Credential')?.split('/')[0];
  return credential || undefined;
}

const json = (status: number, body: unknown) => ({
  status,
  type: 'application/x-amz-json-1.0',
  body: JSON.stringify(body),
});
const xml = (status: number, body: string) => ({ status, type: 'text/xml', body });
const snsError = (status: number, code: string, message: string) =>
  xml(
    status,
    `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message.replace(/[<&]/g, '')}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );

export function startAwsEndpoint(options: AwsEndpointOptions): Promise<Server> {
  const { engines, iam } = options;
  const byArn = (arn: string) => engines.find((e) => e.stateMachineArn === arn);
  const byToken = (token: string) => engines.find((e) => e.hasTask(token)) ?? engines[0]!;
  const executionArn = (name: string, machine: string) =>
    `${machine.replace(':stateMachine:', ':execution:')}:${name}`;

  const denied = async (key: string | undefined, action: string, resource: string) => {
    const verdict = await iam.check(key, [{ action, resource }]);
    if (!verdict) return undefined;
    if ('unknownKey' in verdict)
      return {
        code: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
      };
    console.error(`AccessDenied: ${verdict.message}`);
    return { code: 'AccessDeniedException', message: verdict.message };
  };

  const stepFunctions = async (target: string, input: any, key: string | undefined) => {
    const machineOfToken = (token: string) => byToken(token).stateMachineArn;
    switch (target) {
      case 'StartExecution': {
        const refusal = await denied(key, 'states:StartExecution', input.stateMachineArn);
        if (refusal) return json(400, { __type: refusal.code, message: refusal.message });
        const engine = byArn(input.stateMachineArn);
        if (!engine) return json(400, { __type: 'StateMachineDoesNotExist', message: input.stateMachineArn });
        return json(
          200,
          await engine.start(input.name, input.stateMachineArn, JSON.parse(input.input ?? '{}')),
        );
      }
      case 'SendTaskSuccess':
      case 'SendTaskFailure': {
        const refusal = await denied(key, `states:${target}`, machineOfToken(input.taskToken));
        if (refusal) return json(400, { __type: refusal.code, message: refusal.message });
        if (target === 'SendTaskSuccess')
          byToken(input.taskToken).sendTaskSuccess(input.taskToken, input.output);
        else byToken(input.taskToken).sendTaskFailure(input.taskToken, input.error, input.cause);
        return json(200, {});
      }
      case 'DescribeExecution': {
        const name = String(input.executionArn).split(':').pop()!;
        const engine = engines.find((e) => e.describe(name));
        const record = engine?.describe(name);
        const refusal = await denied(
          key,
          'states:DescribeExecution',
          engine ? executionArn(name, engine.stateMachineArn) : String(input.executionArn),
        );
        if (refusal) return json(400, { __type: refusal.code, message: refusal.message });
        if (!record) return json(400, { __type: 'ExecutionDoesNotExist', message: name });
        return json(200, {
          executionArn: input.executionArn,
          name,
          status: record.status,
          startDate: Date.parse(record.startedAt) / 1000,
          input: JSON.stringify(record.input),
        });
      }
      default:
        return json(400, { __type: 'UnknownOperationException', message: target });
    }
  };

  const secretsManager = async (target: string, input: any, key: string | undefined) => {
    if (target !== 'GetSecretValue')
      return json(400, { __type: 'UnknownOperationException', message: target });
    const refusal = await denied(key, 'secretsmanager:GetSecretValue', String(input.SecretId));
    if (refusal) return json(400, { __type: refusal.code, Message: refusal.message });
    const value = options.secrets.get(String(input.SecretId));
    if (value === undefined)
      return json(400, {
        __type: 'ResourceNotFoundException',
        Message: 'Secrets Manager can’t find the specified secret.',
      });
    return json(200, {
      ARN: input.SecretId,
      Name: String(input.SecretId).split(':').pop(),
      SecretString: value,
      VersionId: 'local',
    });
  };

  const kms = async (target: string, input: any, key: string | undefined) => {
    const answer = (status: number, body: unknown) => ({
      status,
      type: 'application/x-amz-json-1.1',
      body: JSON.stringify(body),
    });
    if (target !== 'GenerateDataKey' && target !== 'Decrypt')
      return answer(400, {
        __type: 'UnsupportedOperationException',
        message: `${target} is not served locally`,
      });
    const refusal = await denied(key, `kms:${target}`, options.kms.keyArn);
    if (refusal) return answer(400, { __type: refusal.code, message: refusal.message });
    const blob = (b64: unknown) => (typeof b64 === 'string' ? Buffer.from(b64, 'base64') : undefined);
    try {
      const out =
        target === 'GenerateDataKey'
          ? await options.kms.generateDataKey(input)
          : await options.kms.decrypt({ ...input, CiphertextBlob: blob(input.CiphertextBlob) });
      return answer(200, {
        ...out,
        Plaintext: Buffer.from(out.Plaintext).toString('base64'),
        ...('CiphertextBlob' in out
          ? { CiphertextBlob: Buffer.from(out.CiphertextBlob).toString('base64') }
          : {}),
      });
    } catch (error) {
      if (error instanceof KmsError) return answer(400, { __type: error.type, message: error.message });
      throw error;
    }
  };

  const sns = async (form: URLSearchParams, key: string | undefined) => {
    if (form.get('Action') !== 'Publish')
      return snsError(400, 'InvalidAction', `${form.get('Action')} is not served locally`);
    const phoneNumber = form.get('PhoneNumber');
    if (!phoneNumber) return snsError(400, 'InvalidParameter', 'only SMS (PhoneNumber) is served locally');
    const verdict = await iam.check(key, [{ action: 'sns:Publish', resource: '*' }]);
    if (verdict && 'unknownKey' in verdict)
      return snsError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    if (verdict) {
      console.error(`AccessDenied: ${verdict.message}`);
      return snsError(403, 'AuthorizationError', verdict.message);
    }
    const attributes = new Map<string, string>();
    for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++)
      attributes.set(
        form.get(`MessageAttributes.entry.${i}.Name`)!,
        form.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? '',
      );
    await options.onSms({
      phoneNumber,
      message: form.get('Message') ?? '',
      messageId: attributes.get('fangfan.messageId'),
    });
    return xml(
      200,
      `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      let answer: { status: number; type: string; body: string };
      const raw = Buffer.concat(chunks).toString('utf8');
      const key = accessKeyOf(req);
      const target = String(req.headers['x-amz-target'] ?? '');
      try {
        if (target.startsWith('AWSStepFunctions.'))
          answer = await stepFunctions(
            target.slice('AWSStepFunctions.'.length),
            JSON.parse(raw || '{}'),
            key,
          );
        else if (target.startsWith('TrentService.'))
          answer = await kms(target.slice('TrentService.'.length), JSON.parse(raw || '{}'), key);
        else if (target.startsWith('secretsmanager.'))
          answer = await secretsManager(target.slice('secretsmanager.'.length), JSON.parse(raw || '{}'), key);
        else answer = await sns(new URLSearchParams(raw), key);
      } catch (error) {
        answer =
          error instanceof EngineError
            ? json(400, { __type: error.type, message: error.message })
            : json(500, { __type: 'InternalError', message: String(error) });
      }
      res.writeHead(answer.status, { 'content-type': answer.type });
      res.end(answer.body);
    });
  });
  return new Promise((resolve) => server.listen(options.port, '127.0.0.1', () => resolve(server)));
}
