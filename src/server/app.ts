import crypto from 'node:crypto';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import type { MikroORM } from '@mikro-orm/postgresql';
import express from 'express';
import type { Config } from '../config';
import type { Logger } from '../common/log';
import { requestScope } from '../common/request-scope';
import { buildAppSchema, printAppSchema } from '../schema';
import { createLoaders, type Context } from './context';
import { createErrorFormatter } from './errors';
import { explorerHtml } from './explorer';

export interface AppDeps {
  orm: MikroORM;
  config: Pick<Config, 'introspection' | 'sqlStatementHeader'>;
  logger: Logger;
  today: () => string;
  ready: () => Promise<boolean>;
}

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,100}$/;

function sqlStatementHeader(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          response.http.headers.set('x-sql-statements', String(requestScope.getStore()?.statements ?? 0));
        },
      };
    },
  };
}

/** The HTTP app: /graphql, /healthz, /readyz, the offline explorer at / and the SDL at /schema.graphql. */
export async function createApp(deps: AppDeps) {
  const schema = await buildAppSchema();
  const sdl = await printAppSchema();
  const apollo = new ApolloServer<Context>({
    schema,
    introspection: deps.config.introspection,
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false, // main.ts owns SIGINT/SIGTERM and closes HTTP, GraphQL, pool and database in order
    formatError: createErrorFormatter(deps.logger),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      ...(deps.config.sqlStatementHeader ? [sqlStatementHeader()] : []),
    ],
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ok = await deps.ready();
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready' });
  });
  app.get('/', (_req, res) => {
    res.type('html').send(explorerHtml);
  });
  app.get('/schema.graphql', (_req, res) => {
    res.type('text/plain; charset=utf-8').send(sdl);
  });
  app.use(
    '/graphql',
    (req, res, next) => {
      const given = req.header('x-request-id');
      const requestId = given && REQUEST_ID_RE.test(given) ? given : crypto.randomUUID();
      res.setHeader('x-request-id', requestId);
      requestScope.run({ requestId, statements: 0 }, next);
    },
    express.json({ limit: '256kb' }),
    expressMiddleware(apollo, {
      context: async () => {
        const em = deps.orm.em.fork();
        return {
          em,
          loaders: createLoaders(em),
          requestId: requestScope.getStore()?.requestId ?? crypto.randomUUID(),
          today: deps.today(),
          logger: deps.logger,
        };
      },
    }),
  );
  return { app, apollo };
}
