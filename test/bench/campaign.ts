/** B7–B9: the inspection campaign's forms, its 汇总表 and the export of its ledger. */
import type { LocalStack } from '../../infra/local/stack.ts';
import { sampleIdNumber } from '../support/local-stack.ts';
import {
  CLIENTS,
  ms,
  pct,
  peakRss,
  pool,
  post,
  rawPutsPerSecond,
  staffToken,
  store,
  waitFor,
} from './common.ts';

export const FORMS = Number(process.env.BENCH_FORMS ?? 10_000);
export const DISTRICT_PROBLEMS = Number(process.env.BENCH_PROBLEMS ?? 100_000);

export async function newCampaign(stack: LocalStack, name: string): Promise<string> {
  const token = await staffToken(stack, 'p-tr-105');
  const response = await fetch(`${stack.url}/townships/341302105/campaigns`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, year: 2026 }),
  });
  return ((await response.json()) as { campaignId: string }).campaignId;
}

/** B7: 10,000 入户排查表 through the signed webhook against raw PutItem, same run. */
export async function b7(stack: LocalStack) {
  const campaignId = await newCampaign(stack, 'B7 入户排查');
  const rawPerSecond = await rawPutsPerSecond(FORMS, (i) => ({
    PK: `BENCHF#${i % 97}`,
    SK: `${i}`,
    payload: 'x'.repeat(900),
  }));
  const latencies: number[] = [];
  const started = performance.now();
  const answers = await pool(FORMS, CLIENTS, async (i) => {
    const village = 201 + (i % 3);
    const day = new Date(Date.UTC(1940, 0, 1) + Math.floor(i / 999) * 86_400_000)
      .toISOString()
      .slice(0, 10)
      .replaceAll('-', '');
    const t = performance.now();
    const answer = await post(stack, '/webhooks/inspections', {
      requestId: `b7-${i}-${campaignId}`,
      campaignId,
      village: `341302105${village}`,
      group: '第一村民小组',
      householdType: 'LIFTED',
      head: {
        name: '户主',
        idNumber: sampleIdNumber(`341302${day}${String((i % 999) + 1).padStart(3, '0')}`),
        phone: '13700000000',
      },
      householdSize: 3,
      items: [
        { category: 2, item: 5, problem: '慢性病未办理慢性病证' },
        { category: 7, item: 1, problem: '有劳动能力未稳岗就业' },
      ],
      judgement: { suspectedRisk: false, proposeReview: false },
      inspectorPersonId: `p-vc-${village}`,
    });
    latencies.push(performance.now() - t);
    return answer.status;
  });
  const perSecond = FORMS / ((performance.now() - started) / 1000);
  return (
    `${FORMS} forms (2 problems each) at ${CLIENTS} clients: ${perSecond.toFixed(0)} forms/s vs raw PutItem ${rawPerSecond.toFixed(0)}/s → ratio ${(perSecond / rawPerSecond).toFixed(2)}; ` +
    `p50 ${ms(pct(latencies, 50))}, p99 ${ms(pct(latencies, 99))}; ${answers.filter((s) => s === 201).length}/${FORMS} filed`
  );
}

/** A synthetic district's ledger: problems over 400 villages and the 12 types, written with their counters. */
export function syntheticProblems(campaignId: string, from: number, count: number) {
  const at = new Date().toISOString();
  const problems = Array.from({ length: count }, (_, k) => {
    const n = from + k;
    const village = `341302${String(101 + (n % 20)).padStart(3, '0')}${String(201 + (Math.floor(n / 20) % 20)).padStart(3, '0')}`;
    const status = (['OPEN', 'IN_PROGRESS', 'RECTIFIED', 'CLOSED'] as const)[n % 4]!;
    return {
      problemId: `${campaignId}.PB${String(n).padStart(8, '0')}`,
      campaignId,
      kind: 'HOUSEHOLD' as const,
      unit: village,
      village,
      household: { name: `户主${n}`, householdType: 'LIFTED' as const, formId: `FB${n}` },
      category: 1 + (Math.floor(n / 400) % 12),
      item: 1,
      content: '合成数据：问题具体内容',
      measure: '合成数据：整改措施',
      responsible: { name: '责任人', unit: '村委会' },
      deadline: '2026-06-25',
      status,
      evidence: [],
      history: [{ status, by: 'bench', at }],
      createdAt: at,
      updatedAt: at,
      version: 1,
    };
  });
  // chunks that share counters: sorted by unit and type
  return problems.sort((a, b) => `${a.unit}${a.category}`.localeCompare(`${b.unit}${b.category}`));
}

/**
 * B8: the 汇总表 of a synthetic district at 10,000 and at 100,000 problems, two campaigns loaded first
 * and then read in turn, so both sizes are measured under the same conditions; B9: exporting the 100,000.
 */
export async function b8b9(stack: LocalStack) {
  const small = await newCampaign(stack, 'B8 合成区县 1万');
  const campaignId = await newCampaign(stack, 'B8 合成区县 10万');
  const token = await staffToken(stack, 'p-tr-105');
  const loadStarted = performance.now();
  const audit = { action: 'BENCH_LOAD', by: 'bench', at: new Date().toISOString() };
  await store().importProblems(syntheticProblems(small, 0, Math.min(10_000, DISTRICT_PROBLEMS)), audit);
  for (let from = 0; from < DISTRICT_PROBLEMS; from += 20_000) {
    await store().importProblems(
      syntheticProblems(campaignId, from, Math.min(20_000, DISTRICT_PROBLEMS - from)),
      audit,
    );
  }
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const times = new Map<string, number[]>([
    [small, []],
    [campaignId, []],
  ]);
  const totals = new Map<string, { total: number; units: number }>();
  for (let round = 0; round < 65; round++) {
    for (const id of [small, campaignId]) {
      const t = performance.now();
      const response = await fetch(`${stack.url}/campaigns/${id}/summary`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await response.json()) as { total: { total: number }; units: unknown[] };
      // the first five rounds warm up
      if (round >= 5) times.get(id)!.push(performance.now() - t);
      totals.set(id, { total: body.total.total, units: body.units.length });
    }
  }
  const at = (id: string) => ({
    p50: pct(times.get(id)!, 50),
    p99: pct(times.get(id)!, 99),
    ...totals.get(id)!,
  });
  const [a, b] = [at(small), at(campaignId)];
  const b8 =
    `synthetic district, 400 villages × 12 types (${b.units} units), 60 reads of each in turn: 汇总表 p50 ${ms(a.p50)} / p99 ${ms(a.p99)} at ${a.total} problems, ` +
    `p50 ${ms(b.p50)} / p99 ${ms(b.p99)} at ${b.total} → ratio ${(b.p50 / a.p50).toFixed(2)} (target ≤ 1.2); ${a.total + b.total} ledger lines loaded with their counters in ${loadSeconds.toFixed(0)} s`;
  global.gc?.();
  const before = process.memoryUsage().rss;
  const { result, peak, seconds } = await peakRss(async () => {
    const requested = await fetch(`${stack.url}/campaigns/${campaignId}/exports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'annex3-1' }),
    });
    const job = (await requested.json()) as { exportId: string };
    return waitFor(
      async () => {
        const response = await fetch(`${stack.url}/exports/${job.exportId}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const view = (await response.json()) as { status: string; rows: number; downloadUrl: string };
        return view.status === 'PENDING' ? undefined : view;
      },
      1_800_000,
      250,
    );
  });
  const size = (await (await fetch(result.downloadUrl)).arrayBuffer()).byteLength;
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  const b9 = `annex 3-1 of ${result.rows} ledger rows: ${result.status} in ${seconds.toFixed(1)} s (${(result.rows / seconds).toFixed(0)} rows/s), XLSX ${mib(size)}; process RSS ${mib(before)} before, peak ${mib(peak)} (stack and builder in one process; DynamoDB Local is its own JVM)`;
  return { b8, b9 };
}
