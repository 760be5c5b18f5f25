import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { LimitsConfig } from '../config';
import type { Context } from '../common/context';
import type { Viewer } from '../common/kernel';
import { PrincipalSlots, requestScope } from '../common/request-scope';
import { budgetKey, type CostBudget } from './limits.budget';
import { estimate, EstimateCache, refusalOf } from './limits.cost';

/** `extensions.cost` of every GraphQL response (GitHub's `rateLimit`, Shopify's `cost`). */
export interface CostExtension {
  /** What the operation cost (0: refused before its cost was known). */
  requested: number;
  /** The budget per minute (COST_BUDGET_PER_MINUTE). */
  limit?: number;
  /** Left in the current window, after this operation. */
  remaining?: number;
  /** When the window starts afresh (ISO-8601 instant). */
  resetAt?: string;
}

/** Third parties: no introspection, no "Did you mean …" in error messages (the schema is not theirs to explore). */
export const hidesSchema = (viewer: Viewer | undefined) => !viewer || viewer.role === null || viewer.role === 'PUBLIC';

const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/**
 * The limits on what one request may ask, all applied before execution (so a refused request runs no statement):
 * 1. connections take `first` from 1 to MAX_PAGE (literal or variable): BAD_USER_INPUT naming the argument;
 * 2. introspection is refused to PUBLIC and anonymous viewers (FORBIDDEN), and suggestions are cut from their errors;
 * 3. the operation's cost (src/server/limits.cost.ts) at most COST_MAX_PER_QUERY: QUERY_TOO_COMPLEX;
 * 4. the cost is spent from the principal's budget per minute (src/server/limits.budget.ts): RATE_LIMITED, HTTP 429
 *    with Retry-After, when it is spent; until its window ends the caller is then refused as soon as its viewer is
 *    known, before parsing (`refuseWhileSpent`, called by the request's context).
 * Depth, aliases, directives and tokens are checked earlier, in parsing and validation (src/server/limits.validation.ts).
 * Every response that gets as far as parsing carries `extensions.cost`. While it runs, the request's statements outside a transaction take turns,
 * at most SQL_MAX_CONCURRENT_PER_REQUEST at once, at most SQL_MAX_CONCURRENT_PER_PRINCIPAL for all of one
 * principal's requests together, and, when it reads roll-ups on a past date, at most SQL_MAX_CONCURRENT_PAST_DATE for
 * every principal's past-date reads together, in rounds between principals (src/common/request-scope.ts).
 */
export function limitsPlugin(limits: LimitsConfig, budget: CostBudget, slots: PrincipalSlots): ApolloServerPlugin<Context> {
  const estimates = new EstimateCache();
  return {
    async serverWillStart() {
      return {
        async serverWillStop() {
          await budget.close();
        },
      };
    },
    async requestDidStart({ contextValue }) {
      const scope = requestScope.getStore();
      const key = budgetKey(contextValue.viewer, scope?.clientIp);
      if (scope) scope.statementSlots = slots.forRequest(key, limits.maxConcurrentStatements);
      const hide = hidesSchema(contextValue.viewer);
      let cost: CostExtension = { requested: 0 };
      return {
        async didResolveOperation({ schema, document, operation, request, queryHash }) {
          if (!operation) return;
          const estimateKey = `${queryHash}|${operation.name?.value ?? ''}|${contextValue.today}|${JSON.stringify(request.variables ?? {})}`;
          const analysis = estimates.get(estimateKey, () => estimate(schema, document, operation, request.variables, contextValue.today));
          if (analysis.introspection && hide) {
            throw new GraphQLError('Introspection is not open to public clients: the schema is published at /schema.graphql.', {
              extensions: { code: 'FORBIDDEN', http: { status: 403 } },
            });
          }
          const refused = refusalOf(analysis, limits.maxCostPerQuery, 'query');
          if (analysis.invalidVariables && !refused) return; // execution refuses them without running anything
          if (analysis.requested) {
            cost = { requested: analysis.requested };
            if (scope) scope.cost = { requested: analysis.requested, spent: false }; // for the metrics and the slow-request log (src/server/metrics.plugin.ts)
          }
          if (refused) throw refused;
          const requested = analysis.requested as number;

          const spent = await budget.spend(key, requested);
          cost = { requested, limit: budget.perMinute, remaining: spent.remaining, resetAt: spent.resetAt.toISOString() };
          if (!spent.granted) throw rateLimited(budget, spent.resetAt);
          if (scope) scope.cost = { requested, spent: true };
          // Nothing has run yet: a past-date read's statements take the past-date lane too.
          if (scope && analysis.pastDate) scope.statementSlots = slots.forRequest(key, limits.maxConcurrentStatements, 'past');
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, cost };
          if (hide && result.errors) result.errors = result.errors.map(withoutSuggestions);
        },
      };
    },
  };
}

/** RATE_LIMITED: HTTP 429 with Retry-After, the window's end in `resetAt`. */
export function rateLimited(budget: CostBudget, resetAt: Date): GraphQLError {
  const retryAfterSeconds = Math.max(1, Math.ceil((resetAt.getTime() - Date.now()) / 1000));
  return new GraphQLError(`The budget of ${budget.perMinute} points per minute is spent; it starts afresh at ${resetAt.toISOString()}.`, {
    extensions: {
      code: 'RATE_LIMITED',
      resetAt: resetAt.toISOString(),
      retryAfterSeconds,
      http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
    },
  });
}

/**
 * For the request's context, once its viewer is known: a caller already refused in its current window is refused again
 * at once, before its request is parsed (a client looping at its budget then costs little more than its HTTP request).
 * That response has no `extensions.cost`: its operation was never read.
 */
export function refuseWhileSpent(budget: CostBudget, viewer: Viewer, clientIp: string | undefined): void {
  const until = budget.refusedUntil(budgetKey(viewer, clientIp));
  if (until) throw rateLimited(budget, until);
}

function withoutSuggestions(error: GraphQLFormattedError): GraphQLFormattedError {
  const message = error.message.replace(SUGGESTION, '');
  return message === error.message ? error : { ...error, message };
}
