import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { Request, RequestHandler } from 'express';
import { GraphQLError } from 'graphql';
import type { Context } from '../common/context';
import type { Viewer } from '../common/kernel';
import type { Logger } from '../common/log';
import { CLIENT_CLOSED, requestScope } from '../common/request-scope';
import { errorBody } from './errors';
import type { Metrics } from './metrics';

export interface RequestMetricsOptions {
  /** A request taking at least this long logs one `slow request` warning (SLOW_REQUEST_MS; 0: never). */
  slowRequestMs: number;
  /** Where the warning goes when the request has no logger of its own. */
  logger: Logger;
}

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;

/** The code of an error thrown before execution (building the context: 401, 429, 503), else INTERNAL_SERVER_ERROR. */
function codeOf(error: unknown): string {
  const code = error instanceof GraphQLError ? error.extensions.code : undefined;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

/**
 * `ok`; CLIENT_CLOSED when the client left before a statement ran; `partial` when data came with errors; else the code
 * of the first error (formatted: a documented code).
 */
function outcomeOf(response: GraphQLRequestContextWillSendResponse<Context>['response']): string {
  if (response.body.kind !== 'single') return 'ok';
  const { data, errors } = response.body.singleResult;
  if (!errors?.length) return 'ok';
  if (errors.some((e) => e.extensions?.code === CLIENT_CLOSED)) return CLIENT_CLOSED; // whatever else it holds, nobody read it
  if (data !== undefined && data !== null) return 'partial';
  const code = errors[0].extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

/**
 * Records every GraphQL request in the app's metrics (src/server/metrics.ts) — its operation, outcome, duration since
 * it arrived, SQL statements and the cost it spent (both kept by the request's scope) — and logs it when slow. A request
 * refused while its context is built (no or a bad token, a spent budget, an outage) is counted too, as `anonymous`: its
 * operation was never read. Goes last among the plugins: it reads the response as the others left it.
 */
export function metricsPlugin(metrics: Metrics, opts: RequestMetricsOptions): ApolloServerPlugin<Context> {
  const record = (name: string | null | undefined, outcome: string, viewer: Viewer | undefined) => {
    const scope = requestScope.getStore();
    const durationMs = scope?.startedAt === undefined ? 0 : performance.now() - scope.startedAt;
    const operation = metrics.operationLabel(name);
    metrics.recordRequest({
      operation,
      outcome,
      role: viewer?.role ?? null,
      durationSeconds: durationMs / 1000,
      statements: scope ? scope.statements : null,
      costSpent: scope?.cost?.spent ? scope.cost.requested : 0,
    });
    if (opts.slowRequestMs > 0 && durationMs >= opts.slowRequestMs) {
      (scope?.logger ?? opts.logger).warn(
        {
          // The name itself when it is one (the label may be `other`), bounded in length.
          operation: name && GRAPHQL_NAME.test(name) ? name : operation,
          outcome,
          cost: scope?.cost?.requested ?? 0,
          statements: scope?.statements ?? null,
          durationMs: Math.round(durationMs * 10) / 10,
        },
        'slow request',
      );
    }
  };
  return {
    async contextCreationDidFail({ error }) {
      record(null, codeOf(error), undefined);
    },
    async invalidRequestWasReceived() {
      record(null, 'BAD_USER_INPUT', undefined);
    },
    async requestDidStart() {
      return {
        async willSendResponse(ctx) {
          record(ctx.operationName ?? ctx.request.operationName, outcomeOf(ctx.response), ctx.contextValue.viewer);
        },
      };
    },
  };
}

/**
 * `GET /metrics`: the app's metrics in Prometheus' text format, for an ADMIN principal's token (401 without a valid
 * token, 403 for another role), or for anyone with METRICS_PUBLIC (a scraper on a closed network).
 */
export function metricsRoute(metrics: Metrics, opts: { public: boolean; viewerOf: (req: Request) => Promise<Viewer> }): RequestHandler {
  return async (req, res, next) => {
    try {
      if (!opts.public) {
        const viewer = await opts.viewerOf(req);
        if (viewer.role !== 'ADMIN') {
          res.status(403).json(errorBody('FORBIDDEN', 'The metrics are open to ADMIN principals only.'));
          return;
        }
      }
      const text = await metrics.render();
      res.status(200).set('content-type', metrics.contentType).set('cache-control', 'no-store').send(text);
    } catch (err) {
      next(err); // an unknown token answers 401, an outage 503, anything else a masked 500 (jsonErrorHandler)
    }
  };
}
