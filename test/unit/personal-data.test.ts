/** Masking of what people type, which values are sealed, and the sealing itself (Encryption SDK). */
import { randomBytes } from 'node:crypto';
import { RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/client-node';
import { describe, expect, it } from 'vitest';
import { holdsPersonalData, isSealed, maskIdNumber, maskPhone, maskText, shown } from '#domain/masking';
import { maskedForReaders, sealAs } from '#domain/personal-data';
import { neutralise } from '#domain/spreadsheet';
import { compose, renderText } from '#notify/messages';
import { fieldCrypto, revealFields, sealValues } from '#runtime/field-crypto';

/** value keys kept in memory, as the table keeps them */
const kept = new Map<string, string>();
const crypto = fieldCrypto(
  new RawAesKeyringNode({
    keyName: 'test',
    keyNamespace: 'fangfan-test',
    unencryptedMasterKey: randomBytes(32),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  }),
  { put: async (id, wrapped) => void kept.set(id, wrapped), get: async (id) => kept.get(id) },
);

describe('masking what people type', () => {
  it.each([
    ['电话138 1234 5678', '电话138****5678'],
    ['+86-138-1234-5678', '138****5678'],
    ['+86 138 1234 5678。', '138****5678。'],
    ['身份证341302 19800101 1233', '身份证341302********1233'],
    ['身份证341302-1980-0101-1233', '身份证341302********1233'],
    ['电话１３８１２３４５６７８', '电话138****5678'],
    ['证件３４１３０２１９８００１０１１２３Ｘ', '证件341302********123X'],
    ['老证件341302800101123', '老证件341302*****1123'],
  ])('masks %s', (typed, masked) => {
    expect(maskText(typed)).toBe(masked);
    expect(holdsPersonalData(typed)).toBe(true);
  });

  it.each([
    '申请编号 341302105201-MX6BJ89OA68242ECA9F9',
    '户 341302100001-2345678901234567890123456789012345678901',
    '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
    '2026-12-01 10:00 面积120平方，收入13800元',
    '村代码341302105201',
  ])('leaves %s as it is', (text) => {
    expect(maskText(text)).toBe(text);
    expect(holdsPersonalData(text)).toBe(false);
  });

  it('masks a message’s parameters when it is composed', () => {
    const m = compose('CASE_REJECTED', { name: '张三', phone: '13800000000' }, '341302105201', {
      caseTitle: '纳入监测申请',
      applicationId: 'x',
      reason: '请联系 139 8765 4321',
    });
    expect(m.params.reason).toBe('请联系 139****4321');
    expect(m.text).not.toContain('8765');
    expect(renderText('CASE_REJECTED', { applicationId: 'x', reason: '13987654321' })).toContain(
      '139****4321',
    );
  });
});

describe('which values are sealed', () => {
  it('seals ID numbers, phones and health by name, and free text holding a number', () => {
    expect(sealAs('idNumber', '341302198001011233')).toBe('341302********1233');
    expect(sealAs('phone', '13800000000')).toBe('138****0000');
    expect(sealAs('health', 'CHRONIC_ILLNESS')).toBe('*');
    expect(sealAs('reason', '联系 138 1234 5678')).toBe('联系 138****5678');
    expect(sealAs('reason', '收入低')).toBeUndefined();
  });

  it('never seals keys, ids, hashes or tokens, whatever they look like', () => {
    const digits = '13812345678901234567890123456789012345678';
    for (const key of [
      'PK',
      'SK',
      'GSI1PK',
      'idHash',
      'householdId',
      'memberIdHashes',
      'taskToken',
      'createdAt',
    ])
      expect(sealAs(key, digits)).toBeUndefined();
  });
});

describe('what a reader is given', () => {
  it('masks personal data in any text, and keeps ids, codes and addresses as they are', () => {
    const shownToReader = maskedForReaders({
      campaignId: '341302105-2026-12AB',
      message: '排查341302105-2026-12AB不存在；申请341302105201-MX6BJ89OA68242ECA9F9已办结',
      reason: '电话138 1234 5678',
      head: { idNumber: '341302198001011233', phone: '13800000000', health: 'CHRONIC_ILLNESS' },
      approvers: ['p-13812345678'],
      uploadUrl: 'http://x/commitments/a?X-Amz-Date=20261202T160637Z&X-Amz-Expires=86400&q=13812345678',
      items: [{ findings: '邻居电话13987654321' }],
    });
    expect(shownToReader).toEqual({
      campaignId: '341302105-2026-12AB',
      message: '排查341302105-2026-12AB不存在；申请341302105201-MX6BJ89OA68242ECA9F9已办结',
      reason: '电话138****5678',
      head: { idNumber: '341302********1233', phone: '138****0000', health: 'CHRONIC_ILLNESS' },
      approvers: ['p-13812345678'],
      uploadUrl: 'http://x/commitments/a?X-Amz-Date=20261202T160637Z&X-Amz-Expires=86400&q=13812345678',
      items: [{ findings: '邻居电话139****4321' }],
    });
  });

  it('keeps every campaign id whole, whatever its random part', () => {
    for (let n = 0; n < 0x10000; n += 7) {
      const id = `341302105-2026-${n.toString(16).toUpperCase().padStart(4, '0')}`;
      expect(maskText(`排查${id}`)).toBe(`排查${id}`);
    }
  });
});

describe('sealing with the Encryption SDK', () => {
  it('seals what is personal, keeps the masked form readable, and reveals it whole', async () => {
    const item = {
      PK: 'V#341302105201',
      applicant: { name: '张三', idNumber: '341302198001011233', phone: '13800000000', idHash: 'ab12' },
      reason: '联系人138 1234 5678',
      history: [{ comment: '同意' }],
    };
    const sealed = (await sealValues(crypto, item)) as typeof item;
    expect(sealed.PK).toBe(item.PK);
    expect(sealed.applicant.name).toBe('张三');
    expect(isSealed(sealed.applicant.idNumber)).toBe(true);
    expect(JSON.stringify(sealed)).not.toContain('341302198001011233');
    expect(JSON.stringify(sealed)).not.toContain('1234 5678');
    expect(maskIdNumber(sealed.applicant.idNumber)).toBe('341302********1233');
    expect(maskPhone(sealed.applicant.phone)).toBe('138****0000');
    expect(shown(sealed.reason)).toBe('联系人138****5678');
    expect(neutralise(sealed.reason)).toBe('联系人138****5678');
    // written back as read, a record keeps its ciphertexts
    expect(await sealValues(crypto, sealed)).toEqual(sealed);
    const whole = await revealFields(crypto, sealed, ['idNumber', 'phone', 'reason']);
    expect(whole).toEqual(item);
    expect(await crypto.reveal('not sealed')).toBe('not sealed');
  });

  it('refuses a tampered value, a tampered key or an unknown key, and keeps one key for many writes', async () => {
    const [token, other] = await crypto.sealAll([
      { value: '13800000000', masked: '138****0000' },
      { value: '341302198001011233', masked: '341302********1233' },
    ]);
    const [later] = await crypto.sealAll([{ value: '13900000000', masked: '139****0000' }]);
    const [prefix, version, ciphertext, masked] = token!.split(':');
    const [id, payload] = ciphertext!.split('~') as [string, string];
    // one value key per container and period, kept once; a token names it in sixteen characters
    expect(kept.size).toBe(1);
    expect(kept.has(id)).toBe(true);
    expect(id).toHaveLength(16);
    expect(later!.split(':')[2]!.split('~')[0]).toBe(id);
    expect(token!.length).toBeLessThan(100);
    const flip = (b64: string, at: number) => {
      const bytes = Buffer.from(b64, 'base64url');
      bytes.writeUInt8(bytes.readUInt8(at) ^ 1, at);
      return bytes.toString('base64url');
    };
    const spelled = (c: string) => [prefix, version, c, masked].join(':');
    await expect(crypto.reveal(spelled(`${id}~${flip(payload, 20)}`))).rejects.toThrow();
    await expect(crypto.reveal(spelled(`AAAAAAAAAAAAAAAA~${payload}`))).rejects.toThrow(/no value key/);
    const wrapped = kept.get(id)!;
    kept.set(id, flip(wrapped, 60));
    // a fresh sealer (another container) must unwrap the stored key, and refuses a tampered one
    const elsewhere = fieldCrypto(
      new RawAesKeyringNode({
        keyName: 'other',
        keyNamespace: 'fangfan-test',
        unencryptedMasterKey: randomBytes(32),
        wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
      }),
      { put: async () => {}, get: async (k) => kept.get(k) },
    );
    await expect(elsewhere.reveal(token!)).rejects.toThrow();
    kept.set(id, wrapped);
    expect(await crypto.reveal(other!)).toBe('341302198001011233');
    expect(await crypto.reveal(token!)).toBe('13800000000');
  });
});
