import 'reflect-metadata';
import type { Server } from 'node:http';
import { ConfigError, loadConfig } from './config';
import { todayFn } from './common/dates';
import { createLogger } from './common/log';
import { openDatabase } from './database';
import { createApp } from './server/app';

async function main() {
  let config;
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
  const today = todayFn(config.today, config.timeZone);
  const db = await openDatabase(config, logger, today);
  const { app, apollo } = await createApp({ orm: db.orm, config, logger, today, ready: () => db.ready() });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info('daihoi is serving', { url: `http://localhost:${port}/graphql`, database: db.embedded ? 'embedded' : db.url, today: today() });
  process.stdout.write(`daihoi: GraphQL at http://localhost:${port}/graphql (explorer at http://localhost:${port}/)\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
    logger.debug('http server closed');
    await apollo.stop();
    logger.debug('graphql stopped');
    await db.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  process.stderr.write(`daihoi: failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
