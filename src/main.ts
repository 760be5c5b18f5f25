import 'reflect-metadata';
import http, { type Server } from 'node:http';
import type { Express } from 'express';
import { ConfigError, loadConfig, type Config } from './config';
import { todayFn } from './common/dates';
import { createLogger, type Logger } from './common/log';
import { openDatabase } from './database';
import { DEMO_EDITOR_SCOPE, DEMO_VIEWER_SCOPE } from './access/access.demo';
import { createApp } from './server/app';
import { Metrics } from './server/metrics';

/**
 * The process: config → database → GraphQL → HTTP, each step registered so that a signal (SIGINT, SIGTERM), a
 * failed step (a port already taken) or a crash closes what is open in reverse order — the embedded PostgreSQL
 * last — and exits: 0 after a signal, 1 after a failure.
 */
class Lifecycle {
  private readonly opened: { name: string; close: () => Promise<void> }[] = [];
  private starting = true;
  private pendingSignal: string | undefined;
  private stopping = false;

  constructor(private readonly logger: Logger) {}

  opens(name: string, close: () => Promise<void>) {
    this.opened.push({ name, close });
  }

  /** A signal while starting is honoured as soon as the current step has finished (so nothing half-open leaks). */
  signal(signal: string) {
    if (this.starting) {
      this.logger.info({ signal }, 'signal received while starting: stopping once the current step is done');
      this.pendingSignal ??= signal;
      return;
    }
    void this.stop(signal, 0);
  }

  /** Between startup steps: stop now if a signal came in meanwhile. */
  async checkpoint(): Promise<void> {
    if (this.pendingSignal) await this.stop(this.pendingSignal, 0);
  }

  started() {
    this.starting = false;
  }

  async stop(reason: string, exitCode: number): Promise<never> {
    if (this.stopping) return new Promise<never>(() => undefined);
    this.stopping = true;
    this.logger.info({ reason }, 'shutting down');
    for (const { name, close } of this.opened.reverse()) {
      try {
        await close();
        this.logger.debug(`${name} closed`);
      } catch (err) {
        this.logger.error({ err }, `closing ${name} failed`);
        exitCode ||= 1;
      }
    }
    this.logger.info({ exitCode }, 'stopped');
    process.exit(exitCode);
  }
}

/** Listens, or fails with the listen error (Express 5's `app.listen` would hand it to its callback and go on). */
function listen(app: Express, port: number, host: string): Promise<Server> {
  const server = http.createServer(app);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function listenFailure(err: NodeJS.ErrnoException, config: Config): string {
  const where = `${config.host}:${config.port}`;
  switch (err.code) {
    case 'EADDRINUSE':
      return `cannot listen on ${where}: the port is already in use (EADDRINUSE); another server holds it: stop it or set PORT`;
    case 'EACCES':
      return `cannot listen on ${where}: permission denied (EACCES); choose a PORT above 1023`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where}: HOST is not an address of this machine (EADDRNOTAVAIL)`;
    default:
      return `cannot listen on ${where}: ${err.message}`;
  }
}

function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), 10_000);
  force.unref();
  return closed.finally(() => clearTimeout(force));
}

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`daihoi: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const life = new Lifecycle(logger);
  process.on('SIGINT', () => life.signal('SIGINT'));
  process.on('SIGTERM', () => life.signal('SIGTERM'));
  const crash = (kind: string) => (err: unknown) => {
    logger.fatal({ err }, kind);
    void life.stop(kind, 1);
  };
  process.on('uncaughtException', crash('uncaught exception'));
  process.on('unhandledRejection', crash('unhandled rejection'));

  try {
    const today = todayFn(config.today, config.timeZone);
    const metrics = new Metrics();
    const db = await openDatabase(config, logger, today, { metrics });
    life.opens('database', () => db.close());
    await life.checkpoint();

    const { app, apollo, attachLive } = await createApp({ orm: db.orm, kernel: db.kernel, config, logger, today, ready: () => db.ready(), metrics });
    life.opens('graphql', () => apollo.stop());
    await life.checkpoint();

    let server: Server;
    try {
      server = await listen(app, config.port, config.host);
    } catch (err) {
      const message = listenFailure(err as NodeJS.ErrnoException, config);
      logger.error({ code: (err as NodeJS.ErrnoException).code }, message);
      process.stderr.write(`daihoi: ${message}\n`);
      return await life.stop('cannot listen', 1);
    }
    life.opens('http server', () => closeServer(server));
    // Closed first (reverse order): its WebSocket connections, then its listening connection, before the pool.
    const live = await attachLive(server);
    life.opens('live updates', () => live.close());
    life.started();
    await life.checkpoint();

    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info({ url: `http://localhost:${port}/graphql`, database: db.embedded ? 'embedded' : db.url, today: today() }, 'daihoi is serving');
    process.stdout.write(`daihoi: dashboard at http://localhost:${port}/ · GraphiQL at http://localhost:${port}/graphiql · GraphQL at http://localhost:${port}/graphql\n`);
    if (db.demoTokens) {
      // Demo mode only: fresh tokens each start (the previous demo tokens stop working), shown here once.
      process.stdout.write(
        `daihoi: demo ADMIN token:  ${db.demoTokens.ADMIN}\n` +
          `daihoi: demo VIEWER token (scope ${DEMO_VIEWER_SCOPE}, the whole tree): ${db.demoTokens.VIEWER}\n` +
          `daihoi: demo EDITOR token (scope ${DEMO_EDITOR_SCOPE}, Đảng bộ Bộ Tài chính): ${db.demoTokens.EDITOR}\n` +
          `daihoi: send it as the header  Authorization: Bearer <token>\n`,
      );
    }
  } catch (err) {
    logger.error({ err }, 'failed to start');
    process.stderr.write(`daihoi: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    await life.stop('failed to start', 1);
  }
}

void main();
