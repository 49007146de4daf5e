import { describe, expect, it } from 'vitest';
import type { HttpError } from '#http/errors';
import { signWebhook } from '#http/webhook-auth';
import { approvalLink, verifyApprovalToken } from '#links/approval-links';

const key = 'k'.repeat(32);

describe('approval links', () => {
  const link = approvalLink(
    'http://x',
    { approvalId: 'ap1', personId: 'p1', expiresAt: '2026-12-01T00:00:00Z' },
    key,
  );
  const token = new URL(link).searchParams.get('t')!;

  it('binds approval and approver', () => {
    expect(verifyApprovalToken(token, 'ap1', key, new Date('2026-11-30T00:00:00Z'))).toBe('p1');
  });
  it('is 403 for another approval or a forged token, 410 once expired', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return (e as HttpError).code;
      }
    };
    expect(code(() => verifyApprovalToken(token, 'ap2', key, new Date('2026-11-30T00:00:00Z')))).toBe(
      'BAD_LINK',
    );
    expect(code(() => verifyApprovalToken(`${token}x`, 'ap1', key, new Date('2026-11-30T00:00:00Z')))).toBe(
      'BAD_LINK',
    );
    expect(code(() => verifyApprovalToken(token, 'ap1', 'other', new Date('2026-11-30T00:00:00Z')))).toBe(
      'BAD_LINK',
    );
    expect(code(() => verifyApprovalToken(token, 'ap1', key, new Date('2026-12-02T00:00:00Z')))).toBe(
      'LINK_EXPIRED',
    );
  });
  it('has one spelling: other final characters, padding, standard base64 or a tail are refused', () => {
    const at = new Date('2026-11-30T00:00:00Z');
    const [body, signature] = token.split('.') as [string, string];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // the last character of an unpadded 32-byte signature carries 2 spare bits: 4 spellings decode alike
    const sameBytes = [...alphabet].filter(
      (c) =>
        c !== signature.at(-1) &&
        Buffer.from(signature.slice(0, -1) + c, 'base64url').equals(Buffer.from(signature, 'base64url')),
    );
    expect(sameBytes.length).toBeGreaterThan(0);
    const standard = Buffer.from(signature, 'base64url').toString('base64');
    for (const spelling of [
      ...sameBytes.map((c) => `${body}.${signature.slice(0, -1)}${c}`),
      `${body}.${signature}=`,
      `${body}.${signature}==`,
      `${body}.${signature}.junk`,
      `${body}.${standard}`,
      `${body}=.${signature}`,
      ` ${token}`,
    ])
      expect(() => verifyApprovalToken(spelling, 'ap1', key, at), spelling).toThrow();
    expect(verifyApprovalToken(token, 'ap1', key, at)).toBe('p1');
  });
  it('never carries a task token', () => {
    expect(link).not.toMatch(/taskToken/i);
  });
});

describe('webhook signature', () => {
  it('is the lowercase hex HMAC-SHA256 of "<timestamp>.<nonce>.<raw body>"', () => {
    expect(signWebhook('secret', '1700000000', 'nonce-nonce-nonce', '{}')).toMatch(/^[0-9a-f]{64}$/);
    expect(signWebhook('secret', '1700000000', 'nonce-nonce-nonce', '{}')).not.toBe(
      signWebhook('secret', '1700000001', 'nonce-nonce-nonce', '{}'),
    );
  });
});
