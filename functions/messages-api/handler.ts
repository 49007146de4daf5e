/**
 * `GET /townships/{code}/messages` (the township's undelivered messages) and
 * `POST /messages/{id}/resend` (send a message that failed every attempt again).
 */
import middy from '@middy/core';
import { string } from 'zod';
import { listUndelivered, resendMessage } from '#cases/messages';
import { validate } from '#http/body';
import { accessLog, httpErrors, withLogger } from '#http/middleware';
import { type HttpEvent, json } from '#http/responses';
import { staffCaller } from '#http/staff-caller';
import { runtimeClock } from '#runtime/aws-ports';
import { assertConfigured } from '#runtime/config';
import { perContainer } from '#runtime/container';
import { townshipCode } from '#schemas/campaign';
import { DynamoMessageStore } from '#store/dynamodb-messages';
import { DynamoStore } from '#store/dynamodb-store';

assertConfigured();

const stores = perContainer(() => ({ store: new DynamoStore(), messages: new DynamoMessageStore() }));
const messageId = string({ error: '消息编号必填' }).uuid('消息编号格式不正确');

const run = async (event: HttpEvent) => {
  const { store, messages } = stores();
  const { caller } = await staffCaller({ store }, event);
  if (event.routeKey === 'POST /messages/{id}/resend')
    return json(
      200,
      await resendMessage(messages, runtimeClock, caller, validate(messageId, event.pathParameters?.id)),
    );
  return json(
    200,
    await listUndelivered(messages, caller, validate(townshipCode, event.pathParameters?.code)),
  );
};

export const handler = middy(run).use(withLogger()).use(accessLog()).use(httpErrors());
