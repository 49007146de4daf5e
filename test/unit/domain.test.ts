import { describe, expect, it } from 'vitest';
import { businessDate, publicityPeriod, workdayInfo } from '#domain/calendar';
import { assessInclusion, checkExclusions } from '#domain/eligibility';
import { checkIdNumber } from '#domain/id-number';
import { netIncomeFen, perCapitaNetIncome } from '#domain/income';
import { maskIdNumber, maskPhone, maskText } from '#domain/masking';
import { missingGroups, voteCarries, voteContradiction } from '#domain/meeting';
import { MissingMonitoringLineError, monitoringLineFor } from '#domain/monitoring-line';
import { normalizeMobile } from '#domain/phone';
import { monitoringObjectTypeFor } from '#domain/risk-types';
import { isAllowedTransition, returnTarget, stageAfterDecision } from '#domain/stages';

describe('ID numbers (GB 11643)', () => {
  it.each(['11010519491231002X', '370101190102039973', '11010519491231002x'])('accepts %s', (id) => {
    expect(checkIdNumber(id)).toMatchObject({ valid: true, normalized: id.toUpperCase() });
  });
  it('rejects a wrong check character, an impossible birth date and a bad shape', () => {
    expect(checkIdNumber('110105194912310021')).toMatchObject({
      valid: false,
      reason: '身份证号码校验位不正确',
    });
    expect(checkIdNumber('110105194902300026').valid).toBe(false);
    expect(checkIdNumber('12345')).toMatchObject({ valid: false });
  });
  it('reads sex and birth date', () => {
    expect(checkIdNumber('370101190102039973')).toMatchObject({ birthDate: '1901-02-03', sex: 'M' });
  });
});

describe('phones and masking', () => {
  it('normalises +86 and refuses landlines as mobiles', () => {
    expect(normalizeMobile('+86 138-0000-0000')).toBe('13800000000');
    expect(normalizeMobile('12800000000')).toBeUndefined();
  });
  it('masks as people read it', () => {
    expect(maskIdNumber('341302198001011233')).toBe('341302********1233');
    expect(maskPhone('13800000000')).toBe('138****0000');
    expect(maskText('身份证341302198001011233，电话13800000000')).toBe(
      '身份证341302********1233，电话138****0000',
    );
  });
});

describe('income and the monitoring line', () => {
  it('computes net and per-capita income exactly', () => {
    expect(
      netIncomeFen({
        wages: 12000.1,
        business: 5000.2,
        property: 0,
        transfers: 3000,
        businessExpenses: 1000.3,
      }),
    ).toBe(1900000);
    expect(perCapitaNetIncome(21000, 4)).toBe(5250);
    expect(() => perCapitaNetIncome(100, 0)).toThrow();
  });
  it('takes the line by region chain, and a missing year is an error', () => {
    expect(monitoringLineFor('341302105201', 2021).amount).toBe(6000);
    expect(() => monitoringLineFor('341302105201', 2030)).toThrow(MissingMonitoringLineError);
  });
  it('must include below the line with a risk', () => {
    expect(assessInclusion({ perCapitaIncome: 5250, line: 6000, riskCount: 1 }).mustInclude).toBe(true);
    expect(assessInclusion({ perCapitaIncome: 5250, line: 6000, riskCount: 0 }).mustInclude).toBe(false);
  });
  it('hard stops exclude and name the rule; red lines only warn', () => {
    const check = checkExclusions({ privateCar: true, multipleHomes: true });
    expect(check.excluded).toBe(true);
    expect(check.hardStops[0]!.label).toContain('消费型轿车');
    expect(check.warnings.map((w) => w.rule)).toEqual(['multipleHomes']);
    expect(checkExclusions({ multipleHomes: true }, []).warnings).toEqual([]);
  });
  it('types a new monitoring object', () => {
    expect(
      monitoringObjectTypeFor({
        householdType: 'LIFTED',
        perCapitaIncome: 5000,
        line: 6000,
        riskTypes: ['ILLNESS'],
      }),
    ).toBe('UNSTABLE_LIFTED');
    expect(
      monitoringObjectTypeFor({
        householdType: 'ORDINARY',
        perCapitaIncome: 9000,
        line: 6000,
        riskTypes: ['ILLNESS'],
      }),
    ).toBe('SUDDEN_HARDSHIP');
    expect(
      monitoringObjectTypeFor({
        householdType: 'ORDINARY',
        perCapitaIncome: 5000,
        line: 6000,
        riskTypes: ['EDUCATION'],
      }),
    ).toBe('MARGINAL');
  });
});

describe('publicity calendar', () => {
  it.each([
    // posted after 端午 2021 (06-12..14): the worked example of DOMAIN.md
    ['2021-06-15', '2021-06-22'],
    // 国庆 2021 (10-01..07) with Saturday 10-09 worked
    ['2021-09-28', '2021-10-11'],
    // 春节 2024: 02-04 and 02-18 were Sundays worked
    ['2024-02-08', '2024-02-21'],
    ['2024-09-27', '2024-10-10'],
    // 劳动节 2025 (05-01..05) with 04-27 worked
    ['2025-04-25', '2025-05-06'],
    ['2026-03-02', '2026-03-09'],
  ])('posted %s ends at the end of %s', (posted, last) => {
    const period = publicityPeriod(posted);
    expect(period.lastDay).toBe(last);
    expect(period.provisional).toBe(false);
  });
  it('ends at midnight Shanghai time, in UTC with Z', () => {
    expect(publicityPeriod('2021-06-15').endsAt).toBe('2021-06-22T16:00:00Z');
    expect(businessDate('2021-06-15T17:00:00Z')).toBe('2021-06-16');
  });
  it('options: counting the posting day, calendar days', () => {
    expect(publicityPeriod('2021-06-15', { countPostingDay: true }).lastDay).toBe('2021-06-21');
    expect(publicityPeriod('2021-06-15', { calendarDays: true }).lastDay).toBe('2021-06-20');
  });
  it('a year without data is provisional and recomputed once configured', () => {
    const provisional = publicityPeriod('2027-09-28');
    expect(provisional.provisional).toBe(true);
    expect(workdayInfo('2027-10-01').workday).toBe(false);
    const configured = publicityPeriod('2027-09-28', {
      extra: {
        '2027': {
          holidays: ['2027-10-01', '2027-10-04', '2027-10-05', '2027-10-06', '2027-10-07'],
          workdays: ['2027-10-09'],
        },
      },
    });
    expect(configured.provisional).toBe(false);
    expect(configured.lastDay > provisional.lastDay).toBe(true);
  });
});

describe('stages', () => {
  it('routes decisions', () => {
    expect(stageAfterDecision('VILLAGE_REVIEW', 'approve', { groupReview: true })).toBe('PUBLICITY');
    expect(stageAfterDecision('VILLAGE_REVIEW', 'return', { groupReview: false })).toBe(
      'AWAITING_COMMITMENT',
    );
    expect(stageAfterDecision('TOWNSHIP_REVIEW', 'reject', { groupReview: true })).toBe('REJECTED');
    expect(returnTarget('SYSTEM_ENTRY', { groupReview: true })).toBe('DISTRICT_FILING');
  });
  it('refuses moves out of a final stage and skipped levels', () => {
    expect(isAllowedTransition('ACTIVE', 'REJECTED')).toBe(false);
    expect(isAllowedTransition('GROUP_REVIEW', 'TOWNSHIP_REVIEW')).toBe(false);
    expect(isAllowedTransition('PUBLICITY', 'OBJECTION_REVIEW')).toBe(true);
    expect(isAllowedTransition('REJECTED', 'REJECTED')).toBe(true);
  });
});

describe('村两委评议 vote', () => {
  it('carries only with more votes for than against and abstaining together', () => {
    expect(voteCarries({ for: 5, against: 2, abstain: 2 })).toBe(true);
    expect(voteCarries({ for: 4, against: 2, abstain: 2 })).toBe(false);
    expect(voteContradiction('approve', { for: 0, against: 7, abstain: 0 })).toMatch(/表决未通过不能同意/);
    expect(voteContradiction('reject', { for: 7, against: 0, abstain: 1 })).toMatch(/表决已通过/);
    expect(voteContradiction('return', { for: 0, against: 7, abstain: 0 })).toBeUndefined();
    expect(voteContradiction('approve', { for: 7, against: 0, abstain: 1 })).toBeUndefined();
  });

  it('names the groups a meeting record has nobody of (村两委, 驻村工作队, 村监委会, 村民代表)', () => {
    const attendees = [
      { role: '村两委' as const },
      { role: '村民代表' as const },
      { role: '村民代表' as const },
    ];
    expect(missingGroups(attendees)).toEqual(['驻村工作队', '村监委会']);
    // a district that requires fewer groups
    expect(missingGroups(attendees, ['村两委', '村民代表'])).toEqual([]);
  });
});
