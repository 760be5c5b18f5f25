import crypto from 'node:crypto';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import type { MikroORM } from '@mikro-orm/postgresql';
import express from 'express';
import { DEFAULT_LIMITS, type Config } from '../config';
import type { Kernel } from '../common/kernel';
import { authenticate, authenticateRequest } from '../access/access.authenticate';
import { ResponseCache, responseCachePlugin } from '../cache/response-cache';
import { VersionedMemo } from '../cache/versioned-memo';
import { currentDataVersion } from '../access/principal.repository';
import { createAccess } from '../access/access.scope';
import { sqlOf } from '../common/sql';
import { requestLogger, type Logger } from '../common/log';
import { PrincipalSlots, requestScope } from '../common/request-scope';
import { buildAppSchema, printAppSchema } from '../schema';
import { createLoaders, type Context } from './context';
import { createErrorFormatter, jsonErrorHandler, notFound, requireJsonBody } from './errors';
import { webRoutes } from '../web/web.routes';
import { describeOutage, isDatabaseUnavailable, outagePlugin, RETRY_AFTER_SECONDS, unavailableError } from './unavailable';
import { inputGuardPlugin } from './input-guard';
import { createBudget } from './limits.budget';
import { limitsPlugin, refuseWhileSpent } from './limits.plugin';
import { knexPool, Metrics } from './metrics';
import { metricsPlugin, metricsRoute } from './metrics.plugin';
import { shapeRules } from './limits.validation';
import { exportRoutes } from '../export/export.routes';
import type { Server } from 'node:http';
import { attachLiveServer, type LiveServer } from './live.server';

export interface AppDeps {
  orm: MikroORM;
  /** The write path (src/kernel.ts createAppKernel). */
  kernel: Kernel;
  config: Pick<Config, 'introspection' | 'sqlStatementHeader' | 'anonymousRole'> & {
    /** RESPONSE_CACHE_MB (default 0 here: off). */
    responseCacheMb?: number;
    /** Limits for clients (src/server/limits.*.ts); default: DEFAULT_LIMITS. */
    limits?: Config['limits'];
    /** SLOW_REQUEST_MS (default 0 here: no slow-request log). */
    slowRequestMs?: number;
    /** METRICS_PUBLIC: /metrics without a token (default false: ADMIN tokens only). */
    metricsPublic?: boolean;
  };
  /** The app's metrics (src/server/metrics.ts), shared with its kernel (createAppKernel's `metrics`); default: its own. */
  metrics?: Metrics;
  logger: Logger;
  today: () => string;
  ready: () => Promise<boolean>;
}

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,100}$/;

/** Every request gets an id (the client's `x-request-id` when well-formed) and a child logger carrying it. */
function requestContext(logger: Logger): express.RequestHandler {
  return (req, res, next) => {
    const given = req.header('x-request-id');
    const requestId = given && REQUEST_ID_RE.test(given) ? given : crypto.randomUUID();
    res.setHeader('x-request-id', requestId);
    let gone = false;
    res.on('close', () => {
      if (!res.writableFinished) gone = true; // closed before the response was sent: the client left
    });
    requestScope.run(
      { requestId, logger: requestLogger(logger, { requestId }), statements: 0, clientIp: req.ip ?? req.socket.remoteAddress, startedAt: performance.now(), clientGone: () => gone },
      next,
    );
  };
}

/** The request's Authorization header; two of them are refused (Node would keep the first; a proxy might read the last). */
function authorizationOf(req: express.Request): string | undefined {
  return req.rawHeaders.filter((_, i) => i % 2 === 0 && req.rawHeaders[i].toLowerCase() === 'authorization').length > 1 ? 'duplicate' : req.header('authorization');
}

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

/** The HTTP app: /graphql, /healthz, /readyz, /metrics, the dashboard at /, GraphiQL at /graphiql (src/web) and the SDL at /schema.graphql. */
export async function createApp(deps: AppDeps) {
  const schema = await buildAppSchema();
  const sdl = await printAppSchema();
  const limits = deps.config.limits ?? DEFAULT_LIMITS;
  const metrics = deps.metrics ?? new Metrics();
  metrics.watchPool(knexPool(deps.orm));
  const cache = deps.config.responseCacheMb ? new ResponseCache(deps.config.responseCacheMb * 1024 * 1024) : null;
  if (cache) metrics.watchCache(() => cache.snapshot().bytes);
  // With the response cache: the current term and its calendar read once per data version (src/cache/versioned-memo.ts).
  const memo = new VersionedMemo();
  const budget = createBudget({ perMinute: limits.costBudgetPerMinute, redisUrl: limits.redisUrl, keyPrefix: limits.redisKeyPrefix, logger: deps.logger });
  // One principal's statements take turns across its GraphQL requests, exports and live events together; past-date
  // reads of every principal also share one lane.
  const slots = new PrincipalSlots(limits.maxConcurrentStatementsPerPrincipal, limits.maxConcurrentPastDateStatements);
  metrics.watchPastDateLane(() => slots.pastQueued);
  const apollo = new ApolloServer<Context>({
    schema,
    introspection: deps.config.introspection,
    // Shape limits before anything runs: tokens while parsing, depth, aliases and directives while validating.
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: shapeRules(limits),
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false, // main.ts owns SIGINT/SIGTERM and closes HTTP, GraphQL, pool and database in order
    formatError: createErrorFormatter(deps.logger),
    logger: deps.logger,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      outagePlugin<Context>(),
      inputGuardPlugin<Context>(),
      // After outagePlugin: its willSendResponse replaces the body, this one adds `extensions.cost` to what is sent.
      limitsPlugin(limits, budget, slots),
      // After limitsPlugin: a reused answer is still authorised, limited and paid for; only its execution is skipped.
      ...(cache ? [responseCachePlugin(cache, (outcome) => metrics.cacheLookup(outcome))] : []),
      ...(deps.config.sqlStatementHeader ? [sqlStatementHeader()] : []),
      // Last: it records the response as the others left it.
      metricsPlugin(metrics, { slowRequestMs: deps.config.slowRequestMs ?? 0, logger: deps.logger }),
    ],
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestContext(deps.logger));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ok = await deps.ready();
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready' });
  });
  // The built browser apps (src/web/build.ts): / and /graphiql, their files under /web/.
  app.use(webRoutes());
  app.get('/schema.graphql', (_req, res) => {
    res.type('text/plain; charset=utf-8').send(sdl);
  });
  app.get(
    '/metrics',
    metricsRoute(metrics, {
      public: deps.config.metricsPublic ?? false,
      viewerOf: (req) => authenticate(sqlOf(deps.orm.em.fork()), authorizationOf(req), { anonymousRole: null }, () => sqlOf(deps.orm.em.fork())),
    }),
  );
  app.use(
    '/graphql',
    requireJsonBody,
    express.json({
      limit: '256kb',
      // UTF-8 only (RFC 8259), and strictly: other charsets are a 415, malformed bytes a 400 (not U+FFFD).
      verify: (_req, _res, body, encoding) => {
        if (encoding !== 'utf-8' && encoding !== 'utf8') throw Object.assign(new Error('charset'), { status: 415, type: 'charset.unsupported', charset: encoding });
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(body);
        } catch {
          throw Object.assign(new Error('not UTF-8'), { status: 400, type: 'entity.parse.failed' });
        }
      },
    }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const scope = requestScope.getStore();
        try {
          const em = deps.orm.em.fork();
          const sql = sqlOf(em);
          const given = authorizationOf(req);
          const authenticated = await authenticateRequest(sql, given, { anonymousRole: deps.config.anonymousRole }, () => sqlOf(deps.orm.em.fork()));
          const viewer = authenticated.viewer;
          let version: Promise<string> | undefined;
          const dataVersion = () => (version ??= authenticated.dataVersion !== null ? Promise.resolve(authenticated.dataVersion) : currentDataVersion(sql));
          refuseWhileSpent(budget, viewer, scope?.clientIp); // a caller at its budget: 429 before its query is parsed
          const today = deps.today();
          const loaders = createLoaders(em, cache ? { memo, version: dataVersion } : undefined);
          return {
            em,
            kernel: deps.kernel,
            viewer,
            access: createAccess(sql, viewer, today, loaders.organizations.placementAt),
            loaders,
            requestId: scope?.requestId ?? crypto.randomUUID(),
            today,
            dataVersion: cache ? dataVersion : undefined,
            logger: scope?.logger ?? deps.logger,
          };
        } catch (err) {
          // A database outage while building the context (e.g. looking up the caller): one 503, one log line.
          if (!isDatabaseUnavailable(err)) throw err;
          (scope?.logger ?? deps.logger).warn({ ...describeOutage(err), failedFields: 0, retryAfterSeconds: RETRY_AFTER_SECONDS }, 'database unavailable: answered 503');
          throw unavailableError();
        }
      },
    }),
  );
  // Streamed CSV/XLSX exports (src/export), authorised and paid for like /graphql.
  app.use('/export', exportRoutes({ orm: deps.orm, kernel: deps.kernel, logger: deps.logger, today: deps.today, budget, limits, slots, anonymousRole: deps.config.anonymousRole, authorization: authorizationOf }));
  // Keep these last: unknown routes and every error that reaches Express answer GraphQL-shaped JSON.
  app.use(notFound);
  app.use(jsonErrorHandler(deps.logger));
  // Live updates: GraphQL subscriptions over graphql-ws on the same port and path, attached once the server listens.
  const attachLive = (server: Server): Promise<LiveServer> =>
    attachLiveServer(server, {
      schema, orm: deps.orm, kernel: deps.kernel, createLoaders: (em) => createLoaders(em), anonymousRole: deps.config.anonymousRole,
      limits, budget, slots,
      formatError: createErrorFormatter(deps.logger), logger: deps.logger, today: deps.today, metrics,
    });
  return { app, apollo, metrics, attachLive };
}
