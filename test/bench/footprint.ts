/** B4–B5: bundles and cold imports, memory with parked cases and the restart that resumes them. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { applicationBody, PDF } from '../support/local-stack.ts';
import { CLIENTS, OPEN_CASES, pct, pool, post, rssOf } from './common.ts';

/** B4: each function's bundle (minified, AWS SDK provided by the runtime) and its cold import time. */
export async function b4() {
  const dir = mkdtempSync(join(process.cwd(), '.bench-bundles-'));
  const rows: string[] = [];
  const names = execFileSync('ls', ['functions']).toString().trim().split('\n');
  let worst = { size: 0, init: 0 };
  try {
    for (const name of names) {
      const outfile = join(dir, `${name}.mjs`);
      await build({
        entryPoints: [`functions/${name}/handler.ts`],
        bundle: true,
        minify: true,
        platform: 'node',
        format: 'esm',
        target: 'node22',
        outfile,
        external: ['@aws-sdk/*'],
        banner: {
          js: "import { createRequire } from 'module';const require = createRequire(import.meta.url);",
        },
        logLevel: 'silent',
      });
      const size = statSync(outfile).size;
      const inits: number[] = [];
      for (let i = 0; i < 5; i++) {
        const out = spawnSync(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            `const t=performance.now();await import(${JSON.stringify(outfile)});console.log(performance.now()-t)`,
          ],
          { encoding: 'utf8' },
        );
        inits.push(Number(out.stdout.trim()));
      }
      const init = pct(inits, 50);
      worst = { size: Math.max(worst.size, size), init: Math.max(worst.init, init) };
      rows.push(`${name} ${(size / 1024).toFixed(0)} KB / ${init.toFixed(0)} ms`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return `largest bundle ${(worst.size / 1024).toFixed(0)} KB (target ≤ 500 KB), slowest cold import ${worst.init.toFixed(0)} ms (target ≤ 150 ms): ${rows.join('; ')}`;
}

/** B5: memory with open cases parked in waits, and the time a restart takes to resume them all. */
export async function b5(stack: LocalStack, dataDir: string) {
  const started = performance.now();
  await pool(OPEN_CASES, CLIENTS, async (i) => {
    const answer = await post(
      stack,
      '/webhooks/applications',
      applicationBody({ village: `341302105${201 + (i % 3)}`, group: '第二村民小组' }),
    );
    if (answer.status !== 202) return;
    const res = await fetch(answer.body.commitment.uploadUrl, { method: 'PUT', body: PDF });
    await res.arrayBuffer();
  });
  // parked once each scan is taken and the case waits at its first approval
  await stack.eventsHandled();
  const parkedIn = (performance.now() - started) / 1000;
  const open = stack.engine.openExecutions();
  await new Promise((r) => setTimeout(r, 5000));
  global.gc?.();
  const nodeRss = process.memoryUsage().rss;
  const heap = process.memoryUsage().heapUsed;
  const javaRss = rssOf(stack.dynamoPid);
  await stack.stop();
  const restartStarted = performance.now();
  const again = await startLocalStack({ dataDir, port: 3999 });
  const restartSeconds = (performance.now() - restartStarted) / 1000;
  const resumed = again.engine.openExecutions();
  await new Promise((r) => setTimeout(r, 3000));
  const rssAfter = process.memoryUsage().rss;
  await again.stop();
  const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;
  return (
    `${OPEN_CASES} cases parked (made in ${parkedIn.toFixed(0)} s; ${open} executions open in all): runtime RSS ${gib(nodeRss)} (target ≤ 1 GiB), JS heap ${gib(heap)}` +
    ` (${(heap / open / 1024).toFixed(0)} KB per open execution) + DynamoDB Local JVM ${gib(javaRss)}; restart resumed ${resumed} executions in ${restartSeconds.toFixed(1)} s, RSS after ${gib(rssAfter)}`
  );
}
