/**
 * The one webhook signature check (CONTRACT.md, Webhooks): channel, timestamp within 300 s, nonce
 * shape, and an HMAC-SHA256 of "<timestamp>.<nonce>.<raw body>" with the channel's secret, compared in
 * constant time. The nonce is only *claimed* later, inside the transaction that accepts the request,
 * so a rejected request writes nothing. The window is measured on the wall clock, not the business
 * clock: it guards against replays, which happen in real time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CHANNELS, type Channel, type VerifiedWebhook } from '#cases/requests';
import { channelSecret } from '#runtime/secrets';
import { requireJson } from './body.ts';
import { HttpError, validationFailed } from './errors.ts';
import { binaryBody, type HttpEvent, header } from './responses.ts';

export { CHANNELS, type Channel, type VerifiedWebhook } from '#cases/requests';
export const TIMESTAMP_WINDOW_SECONDS = 300;

/** The signature of a body as sent: over its bytes, so a body that is not UTF-8 still verifies as sent. */
export const signWebhook = (
  secret: string,
  timestamp: string,
  nonce: string,
  body: string | Buffer,
): string => createHmac('sha256', secret).update(`${timestamp}.${nonce}.`).update(body).digest('hex');

const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function verifyWebhook(event: HttpEvent): Promise<VerifiedWebhook> {
  const channel = header(event, 'x-fangfan-channel');
  const timestamp = header(event, 'x-fangfan-timestamp') ?? '';
  const nonce = header(event, 'x-fangfan-nonce') ?? '';
  const signature = header(event, 'x-fangfan-signature') ?? '';
  if (!CHANNELS.includes(channel as Channel))
    throw new HttpError('BAD_SIGNATURE', '未知或缺少渠道 x-fangfan-channel');
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(nonce))
    throw new HttpError('BAD_SIGNATURE', '缺少或无效的 x-fangfan-nonce');
  if (!/^[0-9a-f]{64}$/.test(signature)) throw new HttpError('BAD_SIGNATURE', '缺少或无效的签名');
  const secret = await channelSecret(channel as Channel);
  const bytes = binaryBody(event);
  const expected = Buffer.from(signWebhook(secret, timestamp, nonce, bytes), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex')))
    throw new HttpError('BAD_SIGNATURE', '签名校验失败');
  const seconds = Number(timestamp);
  if (!/^\d{9,11}$/.test(timestamp) || Math.abs(Date.now() / 1000 - seconds) > TIMESTAMP_WINDOW_SECONDS) {
    throw new HttpError('STALE_TIMESTAMP', '时间戳与服务器时间相差超过300秒');
  }
  // signed as sent; now what was sent must be UTF-8 JSON
  requireJson(event);
  try {
    utf8.decode(bytes);
  } catch {
    throw validationFailed([{ path: '', message: '请求体不是有效的UTF-8文本' }]);
  }
  return {
    channel: channel as Channel,
    nonce,
    timestamp: seconds,
    route: `${event.requestContext.http.method} ${event.rawPath}`,
  };
}
