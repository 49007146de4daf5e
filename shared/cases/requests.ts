/** Who a webhook request came from, as the HTTP layer verified it (`#http/webhook-auth`). */
export const CHANNELS = ['hotline', 'mini-program'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface VerifiedWebhook {
  channel: Channel;
  nonce: string;
  timestamp: number;
  /** the method and path called (`POST /webhooks/applications/<id>/commitment-url`): a requestId is bound to it */
  route?: string;
}
