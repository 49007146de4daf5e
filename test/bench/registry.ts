/** B6: the registry import, refused whole with bad rows and then written. */
import { IMPORT_COLUMNS } from '#cases/monitoring/registry-import';
import type { LocalStack } from '../../infra/local/stack.ts';
import { sampleIdNumber } from '../support/local-stack.ts';
import { peakRss, rawPutsPerSecond, staffToken, store } from './common.ts';

export const IMPORT_HOUSEHOLDS = Number(process.env.BENCH_IMPORT ?? 10_000);

/** One registry CSV: `households` households of three members across the sample villages. */
export function registryCsv(households: number, badRows: number): { csv: string; rows: number } {
  const header = IMPORT_COLUMNS.join(',');
  const lines = [header];
  const villages = ['341302105201', '341302105202', '341302105203'];
  let n = 0;
  const id = () => {
    const day = new Date(Date.UTC(1950, 0, 1) + Math.floor(n / 999) * 86_400_000)
      .toISOString()
      .slice(0, 10)
      .replaceAll('-', '');
    const serial = String((n % 999) + 1).padStart(3, '0');
    n++;
    return sampleIdNumber(`341302${day}${serial}`);
  };
  for (let h = 0; h < households; h++) {
    const village = villages[h % villages.length]!;
    const head = id();
    const members = [
      [head, '户主', '普通劳动力', '非在校生', '稳定务工', '2026', '24000', '2000', '0', '1500', '500'],
      [id(), '配偶', '普通劳动力', '非在校生', '在家务农', '', '', '', '', '', ''],
      [id(), '子女', '无劳动力（老人、儿童、在校生）', '义务教育', '未务工', '', '', '', '', '', ''],
    ];
    for (const [
      memberId,
      relation,
      labour,
      school,
      work,
      year,
      wages,
      business,
      property,
      transfers,
      costs,
    ] of members) {
      lines.push(
        [
          village,
          '第一村民小组',
          '一般农户',
          head,
          relation === '户主' ? '13800000000' : '',
          `成员${h}`,
          memberId,
          relation,
          '健康',
          labour,
          school,
          work,
          '是',
          '是',
          '否',
          '否',
          year,
          wages,
          business,
          property,
          transfers,
          costs,
          '否',
          '否',
          '否',
        ].join(','),
      );
    }
  }
  // bad rows: a wrong check character, spread through the file
  for (let b = 0; b < badRows; b++) {
    const at = 1 + Math.floor(((b + 0.5) * (lines.length - 1)) / badRows);
    const cells = lines[at]!.split(',');
    const wrong = cells[6]!.slice(0, 17) + (cells[6]!.at(-1) === '0' ? '1' : '0');
    cells[6] = wrong;
    if (cells[7] === '户主') cells[3] = wrong;
    lines[at] = cells.join(',');
  }
  return { csv: `${lines.join('\n')}\n`, rows: lines.length - 1 };
}

/** B6: a 10,000-household registry import: refused whole with bad rows, then written, against raw writes. */
export async function b6(stack: LocalStack) {
  const token = await staffToken(stack, 'p-df-302');
  const send = async (csv: string) => {
    const { result, peak, seconds } = await peakRss(async () => {
      const response = await fetch(`${stack.url}/households/import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: csv,
      });
      return { status: response.status, body: (await response.json()) as any };
    });
    return { ...result, seconds, peak };
  };
  const count = async () =>
    (
      await Promise.all(
        ['341302105201', '341302105202', '341302105203'].map((v) => store().listHouseholds(v)),
      )
    ).flat().length;
  const before = await count();
  const bad = registryCsv(IMPORT_HOUSEHOLDS, 10);
  const refused = await send(bad.csv);
  const afterRefusal = await count();
  const good = registryCsv(IMPORT_HOUSEHOLDS, 0);
  const imported = await send(good.csv);
  const afterImport = await count();
  // raw writes of the same number of items, 50 at a time, in the same run
  const rawPerSecond = await rawPutsPerSecond(IMPORT_HOUSEHOLDS, (i) => ({
    PK: `BENCH#${i % 100}`,
    SK: `H#${i}`,
    members: [{ n: 1 }, { n: 2 }, { n: 3 }],
    payload: 'x'.repeat(600),
  }));
  const perSecond = IMPORT_HOUSEHOLDS / imported.seconds;
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  return (
    `${IMPORT_HOUSEHOLDS} households (${good.rows} rows, ${(Buffer.byteLength(good.csv) / 2 ** 20).toFixed(1)} MiB CSV): ` +
    `with 10 bad rows refused in ${refused.seconds.toFixed(1)} s (${refused.status}, ${refused.body.error?.fields?.length} problems named, ${afterRefusal - before} households written); ` +
    `clean file imported in ${imported.seconds.toFixed(1)} s (${imported.status}, ${afterImport - before} households written) = ${perSecond.toFixed(0)} households/s ` +
    `vs ${rawPerSecond.toFixed(0)} raw PutItem/s → ratio ${(perSecond / rawPerSecond).toFixed(2)}; peak RSS of the one process running stack and client ${mib(imported.peak)}`
  );
}
