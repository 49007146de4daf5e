/**
 * `npm run bench`: B1–B5 of the application chain, B6 of the registry import and B7–B9 of the
 * inspection campaign, measured side by side in one run on one local stack, each appended as a dated
 * row to BENCHMARKS.md. Sizes: BENCH_INTAKE (default 1000), BENCH_OPEN_CASES (default 10000),
 * BENCH_IMPORT (default 10000), BENCH_FORMS (default 10000), BENCH_PROBLEMS (default 100000);
 * BENCH_ONLY=B1,B6 runs some of them (B2 comes with B1, B9 with B8). Not a test: nothing here asserts; targets are reported.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '../../infra/local/stack.ts';
import { b7, b8b9 } from './campaign.ts';
import { bench } from './common.ts';
import { b4, b5 } from './footprint.ts';
import { b1, b2, b3, meterCapacity } from './identification.ts';
import { b6 } from './registry.ts';

const row = (id: string, figures: string) => {
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim();
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`;
  return `| ${new Date().toISOString().slice(0, 10)} | ${id} | ${commit} | ${machine} | ${figures} |`;
};

const dataDir = mkdtempSync(join(tmpdir(), 'fangfan-bench-'));
const stack = await startLocalStack({
  meterDynamo: meterCapacity,
  dataDir,
  port: 3999,
  now: process.env.BENCH_NOW ?? '2026-03-02T01:00:00Z',
});
bench.stack = stack;
bench.hotline = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')).hotline;
const only = process.env.BENCH_ONLY?.split(',');
const lines: string[] = [];
let tables = '';
try {
  // B3 first, on a quiet stack: it moves the business clock, which would wake every parked case.
  if (!only || only.includes('B3')) {
    const { figures: f3, table } = await b3(stack);
    tables = table;
    lines.push(row('B3', f3));
    console.log('B3', f3, `\n${table}`);
  }
  if (!only || only.includes('B1')) {
    const { figures: f1, answers } = await b1(stack);
    lines.push(row('B1', f1));
    console.log('B1', f1);
    const f2 = await b2(answers);
    lines.push(row('B2', f2));
    console.log('B2', f2);
  }
  if (!only || only.includes('B6')) {
    const f6 = await b6(stack);
    lines.push(row('B6', f6));
    console.log('B6', f6);
  }
  if (!only || only.includes('B7')) {
    const f7 = await b7(stack);
    lines.push(row('B7', f7));
    console.log('B7', f7);
  }
  if (!only || only.includes('B8')) {
    const { b8, b9 } = await b8b9(stack);
    lines.push(row('B8', b8), row('B9', b9));
    console.log('B8', b8, '\nB9', b9);
  }
  if (!only || only.includes('B4')) {
    const f4 = await b4();
    lines.push(row('B4', f4));
    console.log('B4', f4);
  }
  if (!only || only.includes('B5')) {
    const f5 = await b5(stack, dataDir);
    lines.push(row('B5', f5));
    console.log('B5', f5);
  } else await stack.stop();
} finally {
  const file = 'BENCHMARKS.md';
  if (!existsSync(file)) writeFileSync(file, '# Benchmarks\n');
  appendFileSync(
    file,
    `\n## Run of ${new Date().toISOString()}\n\n| date | benchmark | commit | machine | figures |\n|---|---|---|---|---|\n${lines.join('\n')}\n${tables ? `\nB3 bill per 10,000 applications:\n\n${tables}\n` : ''}`,
  );
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);
