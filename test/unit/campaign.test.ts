/** The campaign's rules as plain functions: the annex-2 checklist, its filling rules, phases, the ledger lifecycle. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { summaryFrom } from '#cases/campaign/campaigns';
import { tickedNumbers } from '#cases/campaign/inspection-sheets';
import {
  checkInspectionForm,
  circled,
  defaultPhases,
  INSPECTION_CATEGORIES,
  PROBLEM_CATEGORIES,
  phaseOn,
} from '#domain/inspection';
import { counterDelta, deadlineAction, isOverdue, nextStatus } from '#domain/rectification';

/** The seed's annex 2 (入户排查表) as printed, kept with the tests so the check runs from a clean clone. */
const seed = readFileSync(new URL('../fixtures/seed-annex2.txt', import.meta.url), 'utf8');

describe('入户排查表 checklist', () => {
  it('has the 13 categories with the numbered items the seed prints, word for word', () => {
    expect(INSPECTION_CATEGORIES.map((c) => c.items.length)).toEqual([
      5, 11, 5, 5, 4, 7, 7, 4, 4, 6, 5, 5, 2,
    ]);
    for (const category of INSPECTION_CATEGORIES) {
      const printed = category.items
        .map((item) => `${item.no === 11 ? '⑾' : circled(item.no)}${item.text}`)
        .join('');
      expect(seed.replace(/\s+/g, '')).toContain(printed.replace(/\s+/g, ''));
    }
    expect(PROBLEM_CATEGORIES.map((c) => c.name)).toEqual([
      '义务教育',
      '基本医疗',
      '住房安全',
      '安全饮水',
      '易地扶贫搬迁',
      '产业发展',
      '脱贫人口就业',
      '脱贫人口小额信贷',
      '消费帮扶',
      '资金项目管理',
      '防止返贫动态监测',
      '帮扶工作',
    ]);
  });

  it('marks the items 填表说明2 gives to departments, the township or the village', () => {
    const departmental = INSPECTION_CATEGORIES.flatMap((c) =>
      c.items.filter((i) => !i.household).map((i) => `${c.no}.${i.no}`),
    );
    expect(departmental).toEqual([
      '1.3',
      '1.4',
      '2.9',
      '2.10',
      '3.3',
      '3.4',
      '4.3',
      '4.4',
      '5.2',
      '6.5',
      '6.6',
      '7.3',
      '7.4',
      '7.5',
      '7.6',
      '8.3',
      '9.2',
      '9.3',
      '10.1',
      '10.2',
      '10.3',
      '10.4',
      '10.5',
      '10.6',
      '11.3',
      '11.4',
      '12.4',
    ]);
  });
});

describe('filling rules', () => {
  const judgement = { suspectedRisk: false, proposeReview: false };
  it('accepts a household-level problem with its text', () => {
    expect(
      checkInspectionForm({
        householdType: 'LIFTED',
        items: [{ category: 7, item: 1, problem: '未稳岗就业' }],
        judgement,
      }),
    ).toEqual([]);
  });
  it('keeps ordinary households to 两不愁三保障 and 饮水', () => {
    expect(
      checkInspectionForm({
        householdType: 'ORDINARY',
        items: [{ category: 4, item: 1, problem: '水质差' }],
        judgement,
      }),
    ).toEqual([]);
    const found = checkInspectionForm({
      householdType: 'ORDINARY',
      items: [{ category: 8, item: 1, problem: '未贷款' }],
      judgement,
    });
    expect(found[0]!.message).toContain('一般农户');
  });
  it('refuses unknown, departmental, repeated and empty items, and forms without problems', () => {
    const paths = (items: { category: number; item: number; problem: string }[], j = judgement) =>
      checkInspectionForm({ householdType: 'LIFTED', items, judgement: j }).map((f) => f.path);
    expect(paths([{ category: 14, item: 1, problem: '问题' }])).toEqual(['items.0.category']);
    expect(paths([{ category: 13, item: 1, problem: '问题' }])).toEqual(['items.0.category']);
    expect(paths([{ category: 2, item: 12, problem: '问题' }])).toEqual(['items.0.item']);
    expect(paths([{ category: 10, item: 1, problem: '资金投入不稳定' }])).toEqual(['items.0']);
    expect(
      paths([
        { category: 2, item: 1, problem: '未参保' },
        { category: 2, item: 1, problem: '未参保' },
      ]),
    ).toEqual(['items.1']);
    expect(paths([{ category: 2, item: 1, problem: ' ' }])).toEqual(['items.0.problem']);
    expect(paths([])).toEqual(['items']);
    expect(paths([], { suspectedRisk: true, proposeReview: false })).toEqual([]);
    expect(paths([], { suspectedRisk: false, proposeReview: true })).toEqual([
      'judgement.proposeReview',
      'items',
    ]);
  });
  it('reads ticked numbers as cadres write them', () => {
    expect(tickedNumbers('①③')).toEqual([1, 3]);
    expect(tickedNumbers('1,3、5')).toEqual([1, 3, 5]);
    expect(tickedNumbers('② 2')).toEqual([2]);
    expect(tickedNumbers('')).toEqual([]);
  });
});

describe('phases', () => {
  const phases = defaultPhases(2021);
  it("takes the seed's dates as the template", () => {
    expect(phases.map((p) => `${p.name} ${p.from}..${p.to}`)).toEqual([
      '动员培训阶段 2021-06-08..2021-06-10',
      '实地排查阶段 2021-06-10..2021-06-15',
      '问题整改及动态管理阶段 2021-06-15..2021-06-25',
      '工作总结阶段 2021-06-25..2021-06-26',
    ]);
  });
  it('says which phase a day is in, the later one on a shared day', () => {
    expect(phaseOn(phases, '2021-06-07')).toBe('NOT_STARTED');
    expect(phaseOn(phases, '2021-06-09')).toBe('MOBILIZATION');
    expect(phaseOn(phases, '2021-06-10')).toBe('FIELD_INSPECTION');
    expect(phaseOn(phases, '2021-06-20')).toBe('RECTIFICATION');
    expect(phaseOn(phases, '2021-06-26')).toBe('SUMMARY');
    expect(phaseOn(phases, '2021-06-27')).toBe('FINISHED');
  });
});

describe('ledger lifecycle and counters', () => {
  it('moves open → in progress → rectified → closed, and a failed re-check reopens', () => {
    expect(nextStatus('OPEN', 'start')).toBe('IN_PROGRESS');
    expect(nextStatus('OPEN', 'rectify')).toBe('RECTIFIED');
    expect(nextStatus('RECTIFIED', 'recheck-pass')).toBe('CLOSED');
    expect(nextStatus('RECTIFIED', 'recheck-fail')).toBe('IN_PROGRESS');
    expect(nextStatus('CLOSED', 'start')).toBeUndefined();
    expect(nextStatus('IN_PROGRESS', 'recheck-pass')).toBeUndefined();
  });
  it('moves the counters by what changed', () => {
    expect(counterDelta(undefined, 'OPEN')).toEqual({ total: 1, rectified: 0, inProgress: 1 });
    expect(counterDelta('OPEN', 'IN_PROGRESS')).toEqual({ total: 0, rectified: 0, inProgress: 0 });
    expect(counterDelta('RECTIFIED', 'CLOSED')).toEqual({ total: 0, rectified: 1, inProgress: -1 });
    expect(counterDelta('CLOSED', 'IN_PROGRESS')).toEqual({ total: 0, rectified: -1, inProgress: 1 });
  });
  it('reminds three days before the deadline and escalates after, never for what is done', () => {
    expect(deadlineAction({ deadline: '2026-06-25', status: 'OPEN' }, '2026-06-21')).toBeUndefined();
    expect(deadlineAction({ deadline: '2026-06-25', status: 'OPEN' }, '2026-06-22')).toBe('REMIND');
    expect(deadlineAction({ deadline: '2026-06-25', status: 'IN_PROGRESS' }, '2026-06-25')).toBe('REMIND');
    expect(deadlineAction({ deadline: '2026-06-25', status: 'IN_PROGRESS' }, '2026-06-26')).toBe('ESCALATE');
    expect(deadlineAction({ deadline: '2026-06-25', status: 'RECTIFIED' }, '2026-06-30')).toBeUndefined();
    expect(isOverdue({ deadline: '2026-06-25', status: 'CLOSED' }, '2026-06-30')).toBe(false);
  });
  it('sums counters per unit and in all', () => {
    const campaign = { campaignId: 'c', township: '341302105' } as never;
    const summary = summaryFrom(
      campaign,
      [
        { unit: '341302105201', category: 1, total: 3, rectified: 1, inProgress: 2 },
        { unit: '341302105202', category: 1, total: 2, rectified: 2, inProgress: 0 },
        { unit: '341302105202', category: 12, total: 1, rectified: 0, inProgress: 1 },
        { unit: '341302105202', category: 'PROPOSED', households: 2, persons: 7 },
      ],
      new Map([['341302105', '桃沟乡']]),
    );
    expect(summary.rows[0]).toMatchObject({ name: '义务教育', total: 5, rectified: 3, inProgress: 2 });
    expect(summary.total).toEqual({ total: 6, rectified: 3, inProgress: 3 });
    expect(summary.proposed).toEqual({ households: 2, persons: 7 });
    expect(summary.units.map((u) => u.total.total)).toEqual([3, 3]);
    expect(summary.unit.name).toBe('桃沟乡');
  });
});
