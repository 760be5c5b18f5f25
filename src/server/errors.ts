import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { ERROR_CODES, type ErrorCode } from '../common/errors';
import type { Logger } from '../common/log';
import { requestScope } from '../common/request-scope';

/** Apollo's own codes for a malformed request, all the client's fault. */
const CLIENT_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE', 'PERSISTED_QUERY_NOT_SUPPORTED', 'PERSISTED_QUERY_NOT_FOUND']);

/**
 * Every top-level error leaves with a code from the documented set. Errors we did not raise on purpose are masked:
 * their message and stack stay in the server log, with the request id the client can quote.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const code = formatted.extensions?.code as string | undefined;
    const requestId = requestScope.getStore()?.requestId;
    if (original instanceof ArgumentValidationError) {
      return { message: 'Invalid argument', locations: formatted.locations, path: formatted.path, extensions: { code: 'BAD_USER_INPUT' } };
    }
    if (code && CLIENT_CODES.has(code)) {
      return { ...formatted, extensions: { code: 'BAD_USER_INPUT' } };
    }
    const deliberate = original instanceof GraphQLError && code !== undefined && code !== 'INTERNAL_SERVER_ERROR' && (ERROR_CODES as readonly string[]).includes(code);
    if (deliberate) {
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { ...formatted.extensions, code: code as ErrorCode } };
    }
    logger.error('unexpected error', {
      requestId,
      path: formatted.path,
      error: original instanceof Error ? original.message : String(original),
      stack: original instanceof Error ? original.stack : undefined,
    });
    return {
      message: `Internal server error (request ${requestId ?? 'unknown'})`,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
    };
  };
}
