/**
 * Backup and restore of a township's machine (`npm run backup -- <dir>`, `npm run restore -- <dir>`),
 * of the data directory (`FANGFAN_DATA_DIR`, default `.data`).
 *
 * A backup runs while the stack runs: the database first, as one consistent copy through SQLite's
 * online backup, then the documents (written once and never changed, so every document the copied
 * database names is there), then the keys, channel accounts and clock. A restore needs the stack
 * stopped; it puts the copy in place and lets the stream's sender start afresh (claims make a message
 * handed on twice go out once).
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const DATABASE = join('dynamodb', 'shared-local-instance.db');
const FILES = ['keys.json', 'secrets.json', 'channels.json', 'clock.json'];

export const pidFile = (dataDir: string) => join(dataDir, 'stack.pid');

function running(dataDir: string): number | undefined {
  if (!existsSync(pidFile(dataDir))) return undefined;
  const pid = Number(readFileSync(pidFile(dataDir), 'utf8'));
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

export function backup(dataDir: string, target: string): void {
  if (!existsSync(join(dataDir, DATABASE))) throw new Error(`no database in ${dataDir}`);
  if (existsSync(target)) throw new Error(`${target} exists: back up into a new directory`);
  process.umask(0o077);
  mkdirSync(join(target, 'dynamodb'), { recursive: true, mode: 0o700 });
  const lib = join(
    dirname(createRequire(import.meta.url).resolve('amplify-dynamodb-simulator/package.json')),
    'emulator',
    'DynamoDBLocal_lib',
  );
  const copy = spawnSync(
    'java',
    [
      '-cp',
      join(lib, 'sqlite4java.jar'),
      fileURLToPath(new URL('./BackupDb.java', import.meta.url)),
      lib,
      join(dataDir, DATABASE),
      join(target, DATABASE),
    ],
    { encoding: 'utf8' },
  );
  if (copy.status !== 0) throw new Error(`database copy failed: ${copy.stderr || copy.error}`);
  if (existsSync(join(dataDir, 's3'))) cpSync(join(dataDir, 's3'), join(target, 's3'), { recursive: true });
  for (const file of FILES)
    if (existsSync(join(dataDir, file))) cpSync(join(dataDir, file), join(target, file));
  writeFileSync(join(target, 'backup.json'), JSON.stringify({ at: new Date().toISOString(), from: dataDir }));
}

export function restore(source: string, dataDir: string): void {
  if (!existsSync(join(source, DATABASE))) throw new Error(`${source} holds no backup`);
  const pid = running(dataDir);
  if (pid) throw new Error(`the stack is running (pid ${pid}): stop it before restoring`);
  process.umask(0o077);
  for (const part of ['dynamodb', 's3']) rmSync(join(dataDir, part), { recursive: true, force: true });
  rmSync(pidFile(dataDir), { force: true });
  // the restored table's stream is read from its start again
  if (existsSync(dataDir))
    for (const name of readdirSync(dataDir)) if (name.startsWith('stream-')) rmSync(join(dataDir, name));
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  cpSync(join(source, 'dynamodb'), join(dataDir, 'dynamodb'), { recursive: true });
  if (existsSync(join(source, 's3'))) cpSync(join(source, 's3'), join(dataDir, 's3'), { recursive: true });
  for (const file of FILES)
    if (existsSync(join(source, file))) cpSync(join(source, file), join(dataDir, file));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [command, dir] = process.argv.slice(2);
  const dataDir = resolve(process.env.FANGFAN_DATA_DIR ?? '.data');
  if ((command !== 'backup' && command !== 'restore') || !dir) {
    console.error('usage: backup.ts backup <new directory> | restore <backup directory>');
    process.exit(2);
  }
  try {
    if (command === 'backup') backup(dataDir, resolve(dir));
    else restore(resolve(dir), dataDir);
    console.log(
      `${command === 'backup' ? 'backed up' : 'restored'}: ${dataDir} ${command === 'backup' ? '→' : '←'} ${resolve(dir)}`,
    );
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
