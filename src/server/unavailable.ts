import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { requestScope } from '../common/request-scope';

/** Seconds a client should wait before retrying while the database is unreachable (the `Retry-After` header). */
export const RETRY_AFTER_SECONDS = 5;

/** One message for every cause (an outage, or a pool with no free connection while the database is healthy). */
export const UNAVAILABLE_MESSAGE = 'The service is overloaded or the database cannot be reached; retry later';

/** Socket-level failures reaching the database (Node's error codes). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * SQLSTATEs that say the database, not the statement, is the problem: `too many connections`, operator
 * intervention (admin shutdown, crash shutdown, cannot connect now, idle session timeout). Class 08 (connection
 * exception) is matched as a class.
 */
const OUTAGE_SQLSTATES = new Set(['53300', '57P01', '57P02', '57P03', '57P05']);

/**
 * node-postgres's own messages when the socket goes away under a client, and knex's for a transaction whose
 * connection died under it. Matched at the start of the message or after knex's `<query text> - ` prefix (knex
 * prefixes a failed statement's message with its SQL), not just anywhere: bound values in that SQL are the
 * client's words.
 */
const DRIVER_MESSAGES =
  /(?:^| - )(?:Connection terminated|Client has encountered a connection error and is not queryable|Client was closed and is not queryable|Transaction query already complete)/;

/** PostgreSQL's message for a statement its `statement_timeout` cancelled (after knex's `<query text> - ` prefix). */
const STATEMENT_TIMEOUT = /(?:^| - )canceling statement due to statement timeout$/;

/**
 * Whether an error means the database cannot be reached or cannot take the request now (retryable), rather than
 * a fault of the statement or of the code. Looks through the wrappers on the way (GraphQL's `originalError`,
 * MikroORM's converted exceptions, `cause`, Node's AggregateError for a host with several addresses).
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 8) return false;
  const e = error as { name?: unknown; code?: unknown; severity?: unknown; message?: unknown; originalError?: unknown; cause?: unknown; previous?: unknown; errors?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  if (NETWORK_CODES.has(code)) return true;
  if (/^[0-9A-Z]{5}$/.test(code) && (code.startsWith('08') || OUTAGE_SQLSTATES.has(code))) return true;
  // A statement cancelled at the pool's statement timeout (STATEMENT_TIMEOUT_MS, src/database/orm.ts): the database is
  // too busy, or a lock held too long, to answer in time; a retry later may pass. (57014 is also an operator's cancel.)
  if (code === '57014' && typeof e.message === 'string' && STATEMENT_TIMEOUT.test(e.message)) return true;
  // A FATAL (or PANIC) report from the server ends the session: whatever its code (database not accepting
  // connections, authentication, ...), this request cannot be served by this database now.
  if (e.severity === 'FATAL' || e.severity === 'PANIC') return true;
  // The pool's acquire timeout (knex's KnexTimeoutError, tarn's TimeoutError).
  if (e.name === 'KnexTimeoutError' || (e.name === 'TimeoutError' && typeof e.message === 'string' && /acquir|pool/i.test(e.message))) return true;
  // A statement the server answered with its own SQLSTATE (a unique violation, ...) is not an outage, whatever its text.
  const sqlstate = /^[0-9A-Z]{5}$/.test(code);
  if (!sqlstate && typeof e.message === 'string' && DRIVER_MESSAGES.test(e.message)) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(e.originalError, depth + 1) || isDatabaseUnavailable(e.cause, depth + 1) || isDatabaseUnavailable(e.previous, depth + 1);
}

/** The one top-level error of a request that met a database outage. */
export function unavailableFormatted(): GraphQLFormattedError {
  return { message: UNAVAILABLE_MESSAGE, extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: RETRY_AFTER_SECONDS } };
}

/** The same as a GraphQLError that Apollo answers with HTTP 503 and `Retry-After` (for errors outside execution). */
export function unavailableError(): GraphQLError {
  return new GraphQLError(UNAVAILABLE_MESSAGE, {
    extensions: {
      code: 'SERVICE_UNAVAILABLE',
      retryAfterSeconds: RETRY_AFTER_SECONDS,
      http: { status: 503, headers: new Map([['retry-after', String(RETRY_AFTER_SECONDS)]]) },
    },
  });
}

/** What one log line says of the outage: the driver's words, never the request's data. */
export function describeOutage(error: unknown): { code?: string; error: string } {
  let e: unknown = error;
  for (let i = 0; i < 8 && e && typeof e === 'object'; i++) {
    const inner = (e as { originalError?: unknown }).originalError;
    if (!inner) break;
    e = inner;
  }
  const code = e && typeof e === 'object' && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : undefined;
  const message = e instanceof Error ? e.message : String(e);
  // knex prefixes a failed statement's message with its SQL and bound values (`<query text> - <driver message>`):
  // the log keeps the driver's message only (outage messages themselves contain no ` - `).
  const separator = message.lastIndexOf(' - ');
  return { code, error: separator >= 0 ? message.slice(separator + 3) : message };
}

/**
 * A request that met a database outage answers ONE retryable error — `SERVICE_UNAVAILABLE`, HTTP 503 with
 * `Retry-After`, no partial data — however many fields failed, and writes ONE log line. The error formatter marks
 * the request (`requestScope.outage`) and formats each failed field as SERVICE_UNAVAILABLE; this collapses them.
 */
export function outagePlugin<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          const scope = requestScope.getStore();
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors ?? [];
          const failed = errors.filter((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE').length;
          if (failed === 0) return;
          response.body = { kind: 'single', singleResult: { errors: [unavailableFormatted()] } };
          response.http.status = 503;
          response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
          scope?.logger.warn({ ...describeOutage(scope.outage), failedFields: failed, retryAfterSeconds: RETRY_AFTER_SECONDS }, 'database unavailable: answered 503');
        },
      };
    },
  };
}
