/**
 * Undelivered messages (未送达消息) for the township console: those waiting for a retry and those
 * that failed every attempt, which a township reviewer can send again (after mending the directory,
 * say). Personal links are never shown to anyone but their person; phones are masked.
 */

import type { Person } from '#domain/directory';
import { maskPhone } from '#domain/masking';
import { covers, TOWNSHIP_AND_ABOVE } from '#domain/scope';
import { scopeCode } from '#domain/stages';
import type { Message } from '#notify/messages';
import type { MessageStore } from '#store/messages';
import { ConflictError } from '#store/store';
import { CaseError } from './errors.ts';
import type { Clock } from './ports.ts';

/** who may see and resend a township's undelivered messages */

export function messageView(m: Message) {
  return {
    messageId: m.messageId,
    kind: m.kind,
    to: {
      ...(m.to.personId ? { personId: m.to.personId } : {}),
      name: m.to.name,
      phone: maskPhone(m.to.phone),
    },
    text: m.text,
    hasLink: Boolean(m.link),
    village: m.village,
    status: m.status,
    attempts: m.attempts,
    lastError: m.lastError,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    nextAttemptAt: m.status === 'RETRY' ? m.nextAttemptAt : undefined,
  };
}

export async function listUndelivered(messages: MessageStore, caller: Person, township: string) {
  if (!covers(caller, township, TOWNSHIP_AND_ABOVE)) throw new CaseError('FORBIDDEN', '无权查看此乡镇的消息');
  return { items: (await messages.listUndelivered(township)).map(messageView) };
}

export async function resendMessage(messages: MessageStore, clock: Clock, caller: Person, messageId: string) {
  const message = await messages.get(messageId);
  if (!message || !covers(caller, scopeCode(message.village, 'township'), TOWNSHIP_AND_ABOVE))
    throw new CaseError('NOT_FOUND', '消息不存在');
  if (message.status !== 'DEAD') throw new CaseError('CONFLICT', '只有发送失败的消息可以重新发送');
  try {
    await messages.resend(message, caller.personId, clock.nowIso());
  } catch (error) {
    if (error instanceof ConflictError) throw new CaseError('CONFLICT', '该消息已在重新发送');
    throw error;
  }
  return messageView((await messages.get(messageId))!);
}
