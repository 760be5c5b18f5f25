import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, type GraphQLFormattedError, type ValidationContext, type ValidationRule } from 'graphql';
import type { LimitsConfig } from '../config';

/**
 * The shape limits, checked while the document is validated (graphql-armor's rules), so a document over them never
 * runs and costs no statement: depth, aliases and directives. Apollo keeps a validated document for its next use, and a
 * refused one is never kept, so each distinct document is checked once. The token limit is graphql-js's own
 * (`parseOptions.maxTokens`): the parser stops at the first token over it.
 * Each refusal is QUERY_TOO_COMPLEX with `limit` (which one), `maximum` and, where known, `found`.
 */
export type ShapeLimit = 'depth' | 'aliases' | 'directives' | 'tokens';

export function tooComplex(limit: ShapeLimit | 'cost' | 'nodes', message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', limit, ...extensions, http: { status: 400 } } });
}

const MESSAGES: Record<Exclude<ShapeLimit, 'tokens'>, (found: string, maximum: number) => string> = {
  depth: (found, maximum) => `The query nests fields ${found} deep; at most ${maximum} levels are allowed.`,
  aliases: (found, maximum) => `The query has ${found} aliases; at most ${maximum} are allowed.`,
  directives: (found, maximum) => `The query has ${found} directives; at most ${maximum} are allowed.`,
};

/** graphql-armor's rejection, reported as ours: its message carries the figure found ("… exceeded, found 20."). */
function report(limit: Exclude<ShapeLimit, 'tokens'>, maximum: number) {
  return (context: ValidationContext | null, error: GraphQLError) => {
    const found = Number(/found (\d+)/.exec(error.message)?.[1]);
    const known = Number.isFinite(found);
    context?.reportError(tooComplex(limit, MESSAGES[limit](known ? String(found) : 'more', maximum), { maximum, ...(known ? { found } : {}) }));
  };
}

export function shapeRules(limits: Pick<LimitsConfig, 'maxDepth' | 'maxAliases' | 'maxDirectives'>): ValidationRule[] {
  const common = { propagateOnRejection: false, exposeLimits: true } as const;
  return [
    // Depth counts fields only (fragments flattened); introspection's `__schema` is not counted (PUBLIC cannot send it).
    maxDepthRule({ ...common, n: limits.maxDepth, flattenFragments: true, ignoreIntrospection: true, onReject: [report('depth', limits.maxDepth)] }),
    maxAliasesRule({ ...common, n: limits.maxAliases, onReject: [report('aliases', limits.maxAliases)] }),
    maxDirectivesRule({ ...common, n: limits.maxDirectives, onReject: [report('directives', limits.maxDirectives)] }),
  ] as unknown as ValidationRule[];
}

/** graphql-js's message when the parser stops at `parseOptions.maxTokens` (graphql 16 writes "more that"). */
const TOKEN_LIMIT = /^Syntax Error: Document contains more th(?:an|at) (\d+) tokens\. Parsing aborted\.$/;

/**
 * A refusal of the limits raised while parsing or validating — which Apollo wraps as a syntax or validation error — as
 * the QUERY_TOO_COMPLEX error it is (for the error formatter, src/server/errors.ts); null for any other error.
 */
export function limitRefusal(error: unknown): GraphQLFormattedError | null {
  if (!(error instanceof GraphQLError)) return null;
  const inner = error.originalError;
  if (inner instanceof GraphQLError && inner.extensions?.code === 'QUERY_TOO_COMPLEX') {
    const { http: _http, ...extensions } = inner.extensions as Record<string, unknown>;
    return { message: inner.message, extensions };
  }
  const tokens = TOKEN_LIMIT.exec(error.message);
  if (tokens) {
    const maximum = Number(tokens[1]);
    return { message: `The query has more than ${maximum} tokens; at most ${maximum} are allowed.`, extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'tokens', maximum } };
  }
  return null;
}
