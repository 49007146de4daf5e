import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LocalDefinitions } from './definitions.ts';

/**
 * The same, synthesized in a short-lived child process: the runtime then never holds aws-cdk-lib
 * (about 380 MiB of resident memory) for as long as it runs. `env` carries the deployment settings.
 */
export function loadLocalDefinitions(env: NodeJS.ProcessEnv = process.env): LocalDefinitions {
  const script = fileURLToPath(new URL('./definitions-cli.ts', import.meta.url));
  const out = spawnSync(process.execPath, ['--import', 'tsx', script], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (out.status !== 0) throw new Error(`synthesizing the stack failed:\n${out.stderr}`);
  return JSON.parse(out.stdout) as LocalDefinitions;
}
