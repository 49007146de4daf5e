import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LocalDefinitions } from './definitions.ts';

/**
 * The same, synthesized in a short-lived child process: the runtime then never holds aws-cdk-lib
 * (about 380 MiB of resident memory) for as long as it runs.
 */
export function loadLocalDefinitions(): LocalDefinitions {
  const script = fileURLToPath(new URL('./definitions-cli.ts', import.meta.url));
  const out = spawnSync(process.execPath, ['--import', 'tsx', script], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (out.status !== 0) throw new Error(`synthesizing the workflow failed:\n${out.stderr}`);
  const parsed = JSON.parse(out.stdout) as {
    monitoringApplication: Record<string, any>;
    riskElimination: Record<string, any>;
    handlers: [string, string][];
    byName: [string, string][];
  };
  return {
    monitoringApplication: parsed.monitoringApplication,
    riskElimination: parsed.riskElimination,
    handlers: new Map(parsed.handlers),
    byName: new Map(parsed.byName),
  };
}
