import { STATUS_CODES } from 'node:http';
import { unwrapResolverError } from '@apollo/server/errors';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { ERROR_CODES, type ErrorCode } from '../common/errors';
import type { Logger } from '../common/log';
import { CLIENT_CLOSED, ClientGone, requestScope } from '../common/request-scope';
import { describeOutage, isDatabaseUnavailable, RETRY_AFTER_SECONDS, unavailableFormatted } from './unavailable';
import { limitRefusal } from './limits.validation';

/** Apollo's own codes for a malformed request, all the client's fault. */
const CLIENT_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE', 'PERSISTED_QUERY_NOT_SUPPORTED', 'PERSISTED_QUERY_NOT_FOUND']);

/**
 * Every top-level error leaves with a code from the documented set. Errors we did not raise on purpose are masked:
 * their message and stack stay in the server log, with the request id the client can quote. A database outage is
 * not logged here: the request is marked, and `outagePlugin` answers (and logs) it once.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const code = formatted.extensions?.code as string | undefined;
    const scope = requestScope.getStore();
    const requestId = scope?.requestId;
    if (original instanceof ArgumentValidationError) {
      return { message: 'Invalid argument', locations: formatted.locations, path: formatted.path, extensions: { code: 'BAD_USER_INPUT' } };
    }
    // Limits refused while parsing or validating (tokens, depth, aliases, directives): QUERY_TOO_COMPLEX, not Apollo's code.
    const limited = limitRefusal(error);
    if (limited) return { ...limited, locations: formatted.locations };
    if (code && CLIENT_CODES.has(code)) {
      // What names the input at fault stays (`argument`, `field`); anything else an inner layer attached does not.
      const { argument, field } = (formatted.extensions ?? {}) as { argument?: unknown; field?: unknown };
      const named = { ...(typeof argument === 'string' ? { argument } : {}), ...(typeof field === 'string' || Array.isArray(field) ? { field } : {}) };
      return { ...formatted, extensions: { code: 'BAD_USER_INPUT', ...named } };
    }
    const deliberate = original instanceof GraphQLError && code !== undefined && code !== 'INTERNAL_SERVER_ERROR' && (ERROR_CODES as readonly string[]).includes(code);
    if (deliberate) {
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { ...formatted.extensions, code: code as ErrorCode } };
    }
    // Nobody reads it: the client has gone. Counted in /metrics as CLIENT_CLOSED, not logged as an error.
    if (original instanceof ClientGone) return { message: original.message, path: formatted.path, extensions: { code: CLIENT_CLOSED } };
    if (isDatabaseUnavailable(original) || isDatabaseUnavailable(error)) {
      if (scope && scope.outage === undefined) scope.outage = original;
      return { ...unavailableFormatted(), path: formatted.path };
    }
    // The request's child logger already carries `requestId`: adding it here would write the key twice.
    (scope?.logger ?? logger).error({ path: formatted.path, err: original }, 'unexpected error');
    return {
      message: `Internal server error (request ${requestId ?? 'unknown'})`,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
    };
  };
}

/** A GraphQL-shaped error body, as every non-GraphQL failure of the HTTP layer answers too. */
export function errorBody(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
  return { errors: [{ message, extensions: { code, ...extensions } }] };
}

/** body-parser's failures (`err.type`), in words that give nothing of the server away. */
const BODY_ERRORS: Record<string, (err: HttpishError) => string> = {
  'entity.parse.failed': (err) =>
    isJson(err.body) ? 'A GraphQL request must be a JSON object (with a "query" field).' : 'The request body is not valid JSON.',
  'entity.too.large': (err) => `The request body is larger than the limit of ${err.limit ?? '?'} bytes.`,
  'charset.unsupported': (err) => `Unsupported charset ${JSON.stringify(String(err.charset ?? ''))}: send UTF-8 JSON.`,
  'encoding.unsupported': (err) => `Unsupported content encoding ${JSON.stringify(String(err.encoding ?? ''))}.`,
  'request.aborted': () => 'The request was aborted before its body arrived.',
  'request.size.invalid': () => 'The request body does not match its Content-Length.',
};

/** Whether a body the strict JSON parser refused is JSON all the same (`null`, `"x"`, `1`: not an object). */
function isJson(body: unknown): boolean {
  if (typeof body !== 'string') return false;
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
}

interface HttpishError {
  body?: unknown;
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
  limit?: unknown;
  charset?: unknown;
  encoding?: unknown;
}

/** Refuses a POST to /graphql whose body is not JSON (Apollo would otherwise answer a plain-text 500 or a 400). */
export const requireJsonBody: RequestHandler = (req, res, next) => {
  if (req.method !== 'POST' || req.is('application/json')) return next();
  res
    .status(415)
    .json(errorBody('BAD_USER_INPUT', `Send the GraphQL request as JSON: "content-type: application/json" (got ${JSON.stringify(req.header('content-type') ?? 'none')}).`));
};

/** Unknown routes: a JSON 404, not Express's HTML page. */
export const notFound: RequestHandler = (_req, res) => {
  res.status(404).json(errorBody('NOT_FOUND', 'No such resource: the API is at /graphql.'));
};

const REFUSAL_STATUS: Partial<Record<ErrorCode, number>> = { BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, RATE_LIMITED: 429 };

/**
 * Whatever error reaches Express (a body the JSON parser refused, a failing route): a GraphQL-shaped JSON body with
 * the right status, never Express's HTML page, a stack or a path, whatever NODE_ENV says. A deliberate refusal of a
 * route (a GraphQLError with a code: an unknown token, a spent budget, a bad parameter) answers as /graphql does —
 * its status and headers (401 with WWW-Authenticate, 429 with Retry-After) and `{"errors": [{message, extensions}]}`;
 * another 4xx keeps its status; a database outage is a 503 with `Retry-After`; anything else is a masked 500 logged
 * with the request id.
 */
export function jsonErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const scope = requestScope.getStore();
    const log = scope?.logger ?? logger;
    const requestId = scope?.requestId;
    if (res.headersSent) {
      log.error({ err }, 'error after the response started; connection closed');
      req.socket.destroy();
      return;
    }
    if (err instanceof GraphQLError && typeof err.extensions.code === 'string') {
      const { code, http, ...extensions } = err.extensions as { code: ErrorCode; http?: { status?: number; headers?: Map<string, string> } } & Record<string, unknown>;
      for (const [name, value] of http?.headers ?? []) res.setHeader(name, value);
      res.status(http?.status ?? REFUSAL_STATUS[code] ?? 400).json(errorBody(code, err.message, extensions));
      return;
    }
    const e = (err && typeof err === 'object' ? err : {}) as HttpishError;
    const status = Number(e.status ?? e.statusCode);
    if (Number.isInteger(status) && status >= 400 && status < 500) {
      const describe = typeof e.type === 'string' ? BODY_ERRORS[e.type] : undefined;
      const message = describe ? describe(e) : `${STATUS_CODES[status] ?? 'Bad request'}.`;
      log.debug({ status, type: e.type }, 'request refused by the HTTP layer');
      res.status(status).json(errorBody(status === 404 ? 'NOT_FOUND' : 'BAD_USER_INPUT', message));
      return;
    }
    if (isDatabaseUnavailable(err)) {
      log.warn({ ...describeOutage(err), retryAfterSeconds: RETRY_AFTER_SECONDS }, 'database unavailable: answered 503');
      res.status(503).set('retry-after', String(RETRY_AFTER_SECONDS)).json({ errors: [unavailableFormatted()] });
      return;
    }
    log.error({ err }, 'unexpected error in the HTTP layer');
    res.status(500).json(errorBody('INTERNAL_SERVER_ERROR', `Internal server error (request ${requestId ?? 'unknown'})`, { requestId }));
  };
}
