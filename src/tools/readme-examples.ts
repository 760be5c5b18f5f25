import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Client } from 'pg';
import { issueDemoPrincipals } from '../access/access.demo';
import { systemViewer } from '../common/kernel';
import { silentLogger } from '../common/log';
import { initOrm } from '../database/orm';
import { createAppKernel } from '../kernel';
import { curlQueries, documented, readmeExamples, readmeToday, sameQuery, withOutputs, type ExampleToken } from './readme-examples.parse';

/**
 * `npm run docs:examples [-- --check] [README.md]`: runs every example of the README against a fresh demo (the
 * server itself, `dist/src/main.js`, seeded with the README's TODAY on a scratch database) and rewrites each
 * example's ```json block with what the server answers (without `extensions.cost`). Each example is sent with the demo
 * token its first line names: on the embedded server, those `npm start` prints; on DATABASE_URL's server (where the
 * server issues none), the same demo principals made the same way. With `--check`, rewrites nothing and exits 1 when
 * the README differs. The scratch database is a new database on DATABASE_URL's server when it is set, else an embedded server
 * in a temporary directory; either is removed afterwards.
 */

const WIDTH = 110;
const root = path.resolve(__dirname, '..', '..', '..');

async function main() {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const file = path.resolve(args.find((a) => !a.startsWith('--')) ?? path.join(root, 'README.md'));
  const markdown = fs.readFileSync(file, 'utf8');
  const examples = readmeExamples(markdown);
  const today = readmeToday(markdown);
  for (const q of curlQueries(markdown)) {
    if (!examples.some((e) => sameQuery(e.query, q.query) && e.token === q.token)) {
      throw new Error(`The curl example's query (with ${q.token ? `$${q.token}_TOKEN` : 'no token'}) is none of the README's examples:\n${q.query}`);
    }
  }

  const { default: stringify } = await import('json-stringify-pretty-compact');
  const server = await startDemoServer(today);
  const outputs: string[] = [];
  const changed: string[] = [];
  try {
    for (const e of examples) {
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${server.tokens[e.token]}` },
        body: JSON.stringify({ query: e.query }),
      });
      const body = documented(await res.json()) as { errors?: unknown[] };
      if (body.errors) process.stderr.write(`note: "${e.title}" (line ${e.line}) answers with errors: ${JSON.stringify(body.errors)}\n`);
      const text = stringify(body, { maxLength: WIDTH, indent: 2 });
      outputs.push(text);
      if (!e.expected.ok || !isDeepStrictEqual(e.expected.value, body)) changed.push(`line ${e.line}: ${e.title}`);
    }
  } finally {
    await server.stop();
  }

  const updated = withOutputs(markdown, examples, outputs);
  process.stdout.write(`${examples.length} examples run with TODAY=${today}; ${changed.length} changed${changed.length ? ':\n  ' + changed.join('\n  ') : ''}\n`);
  if (check) {
    if (changed.length) process.exit(1);
  } else if (updated !== markdown) {
    fs.writeFileSync(file, updated);
    process.stdout.write(`rewrote ${path.relative(process.cwd(), file)}\n`);
  }
}

/** A free TCP port on the loopback interface. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

type DemoServer = { url: string; tokens: Record<ExampleToken, string>; stop(): Promise<void> };

/** The real server on a scratch database, seeded with the demo as of `today`, and its demo tokens. */
async function startDemoServer(today: string): Promise<DemoServer> {
  const cleanups: (() => Promise<void>)[] = [];
  // A budget per minute the examples cannot spend, whatever their number (the cost is left out of the outputs).
  const env: NodeJS.ProcessEnv = { ...process.env, TODAY: today, SEED_DEMO: 'true', HOST: '127.0.0.1', LOG_LEVEL: 'warn', COST_BUDGET_PER_MINUTE: '1000000000' };
  const given = process.env.DATABASE_URL;
  if (given) {
    const database = `daihoi_docs_${process.pid}_${Date.now()}`;
    await admin(given, `create database ${database}`);
    cleanups.push(() => admin(given, `drop database if exists ${database} with (force)`));
    const u = new URL(given);
    u.pathname = `/${database}`;
    env.DATABASE_URL = u.toString();
  } else {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daihoi-docs-'));
    cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
    Object.assign(env, { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) });
  }
  const port = await freePort();
  env.PORT = String(port);
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [path.join(root, 'dist', 'src', 'main.js')], { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)));
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    await stopChild(child, exited);
    for (const c of cleanups.reverse()) await c().catch((err) => process.stderr.write(`cleanup: ${(err as Error).message}\n`));
  };
  try {
    await waitReady(url, exited, () => stderr);
    const tokens = given ? await issueTokens(env.DATABASE_URL!, today) : await printedTokens(() => stdout, exited);
    return { url, tokens, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The demo tokens the embedded server prints once it serves (`daihoi: demo ADMIN token:  dh_…`). */
async function printedTokens(stdout: () => string, exited: Promise<number | null>): Promise<Record<ExampleToken, string>> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !gone) {
    const printed = (role: ExampleToken) => new RegExp(`^daihoi: demo ${role} token(?: \\([^)]*\\))?:\\s+(dh_\\S+)$`, 'm').exec(stdout())?.[1];
    const admin = printed('ADMIN');
    const viewer = printed('VIEWER');
    const editor = printed('EDITOR');
    if (admin && viewer && editor) return { ADMIN: admin, VIEWER: viewer, EDITOR: editor };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server did not print its demo tokens:\n${stdout()}`);
}

/** On DATABASE_URL's server, which prints no demo tokens: the demo principals, made as demo mode makes them. */
async function issueTokens(url: string, today: string): Promise<Record<ExampleToken, string>> {
  const orm = await initOrm(url, { poolMax: 2, logger: silentLogger });
  try {
    const kernel = createAppKernel(orm, { logger: silentLogger });
    const tokens = await kernel.withTransaction({ operation: 'demoTokens', viewer: systemViewer('demo'), today }, (tx) => issueDemoPrincipals(tx));
    if (!tokens) throw new Error('the database holds no demo tree: the demo principals have no scope');
    return tokens;
  } finally {
    await orm.close(true);
  }
}

async function waitReady(url: string, exited: Promise<number | null>, stderr: () => string) {
  let gone: number | null | undefined;
  void exited.then((code) => (gone = code));
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (gone !== undefined) throw new Error(`the server exited (${gone}) before it was ready:\n${stderr()}`);
    const ok = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the server was not ready within 180 s:\n${stderr()}`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

async function admin(url: string, statement: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

main().catch((err) => {
  process.stderr.write(`docs:examples: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
