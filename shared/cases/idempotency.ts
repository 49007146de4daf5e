/**
 * Webhook idempotency on `requestId` (CONTRACT.md): the same request again returns the first answer
 * and creates nothing; a different body under the same id is `409 IDEMPOTENCY_MISMATCH`. The request
 * record and the nonce are written in the same transaction as the change they accept.
 */

import { hashBody } from '#store/identity';
import type { StoredRequest, WebhookReceipt } from '#store/store';
import { ConflictError, type Store } from '#store/store';
import { CaseError } from './errors.ts';
import type { VerifiedWebhook } from './requests.ts';

async function repeat<T>(
  store: Store,
  webhook: VerifiedWebhook,
  stored: StoredRequest,
  bodyHash: string,
): Promise<T> {
  if (stored.bodyHash !== bodyHash) {
    throw new CaseError('IDEMPOTENCY_MISMATCH', '相同 requestId 的请求内容不一致');
  }
  await claim(store, webhook);
  return stored.answer as T;
}

async function claim(store: Store, webhook: VerifiedWebhook): Promise<void> {
  try {
    await store.claimNonce(webhook.channel, webhook.nonce);
  } catch (error) {
    if (error instanceof ConflictError) throw new CaseError('REPLAYED_NONCE', 'nonce 已使用，请求被视为重放');
    throw error;
  }
}

/**
 * Runs `accept` once per requestId. `accept` gets a receipt builder: it must write the receipt in the
 * same transaction as its change. The answer is plain data; the HTTP status is the route's.
 */
export async function oncePerRequest<T>(
  store: Store,
  webhook: VerifiedWebhook,
  requestId: string,
  rawBody: string,
  accept: (receipt: (answer: T) => WebhookReceipt) => Promise<T>,
): Promise<T> {
  // bound to the route and resource called: the same requestId on another application's
  // commitment-url is a different request, not a repeat of the first
  const bodyHash = hashBody(webhook.route ? `${webhook.route}\n${rawBody}` : rawBody);
  // Optimistic: a first delivery (the common case) pays no extra read. A repeat is recognised by the
  // request record's condition failing in the transaction, or, when `accept` refuses before writing
  // (the window closed since), by finding the stored answer.
  const answerRepeat = async (): Promise<T | undefined> => {
    const stored = await store.getRequest(webhook.channel, requestId);
    return stored ? repeat<T>(store, webhook, stored, bodyHash) : undefined;
  };
  try {
    return await accept((answer) => ({
      channel: webhook.channel,
      nonce: webhook.nonce,
      requestId,
      bodyHash,
      answer,
    }));
  } catch (error) {
    if (error instanceof ConflictError) {
      if (error.reason === 'NONCE') throw new CaseError('REPLAYED_NONCE', 'nonce 已使用，请求被视为重放');
      if (error.reason === 'REQUEST') {
        const repeated = await answerRepeat();
        if (repeated) return repeated;
      }
    }
    if (error instanceof CaseError && error.code !== 'VALIDATION_FAILED') {
      const repeated = await answerRepeat();
      if (repeated) return repeated;
    }
    throw error;
  }
}
